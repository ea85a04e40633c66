import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GroupsService } from '@kindred/groups';
import { PageQuery, Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { CreateGroupDto, UpdateGroupDto } from './groups.dto';
import { groupIdParam } from './id-param.pipe';

@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Public()
  @Get()
  directory(@Query() query: PageQuery) {
    return this.groups.directory(query);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateGroupDto) {
    return this.groups.create(user, body);
  }

  @Public()
  @Get(':groupId')
  get(@CurrentUser() user: AuthUser | undefined, @Param('groupId', groupIdParam) groupId: string) {
    return this.groups.get(user, groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @Patch(':groupId')
  update(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: UpdateGroupDto) {
    return this.groups.update(user, groupId, body);
  }
}
