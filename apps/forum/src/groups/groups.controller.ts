import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { GroupsService } from '@kindred/groups';
import { PageQuery, Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { CreateGroupDto, UpdateGroupDto } from './groups.dto';
import { groupIdParam } from './id-param.pipe';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { GroupDirectoryEntryView, GroupView } from './groups.views';

@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Public()
  @ApiPageResponse(GroupDirectoryEntryView, 'The group directory: never any content.')
  @ApiProblems(422)
  @Get()
  directory(@Query() query: PageQuery) {
    return this.groups.directory(query);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiCreatedResponse({ type: GroupView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 409)
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateGroupDto) {
    return this.groups.create(user, body);
  }

  @Public()
  @ApiExtraModels(GroupView, GroupDirectoryEntryView)
  @ApiOkResponse({
    description: 'The directory entry; admins and the group’s supporters get the group with its settings.',
    schema: { anyOf: [{ $ref: getSchemaPath(GroupView) }, { $ref: getSchemaPath(GroupDirectoryEntryView) }] },
  })
  @ApiProblems(404)
  @Get(':groupId')
  get(@CurrentUser() user: AuthUser | undefined, @Param('groupId', groupIdParam) groupId: string) {
    return this.groups.get(user, groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiOkResponse({ type: GroupView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 404, 409)
  @Patch(':groupId')
  update(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: UpdateGroupDto) {
    return this.groups.update(user, groupId, body);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiOperation({ summary: 'Open a draft group', description: 'It joins the directory and takes applications. Opening an open group changes nothing.' })
  @ApiOkResponse({ type: GroupView })
  @ApiProblems(401, 403, 404)
  @Post(':groupId/open')
  @HttpCode(200)
  open(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.groups.open(user, groupId);
  }
}
