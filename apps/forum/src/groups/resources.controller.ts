import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { GroupResourcesService } from '@kindred/groups';
import { Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam, idParam } from './id-param.pipe';
import { CreateResourceDto } from './resources.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ResourceListView, ResourceView } from './groups.views';

@ApiTags('signposting')
@Controller('groups/:groupId/resources')
export class ResourcesController {
  constructor(private readonly resources: GroupResourcesService) {}

  @Public()
  @ApiOkResponse({ type: ResourceListView, description: 'The group’s signposting directory.' })
  @ApiProblems(404)
  @Get()
  list(@Param('groupId', groupIdParam) groupId: string) {
    return this.resources.list(groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiCreatedResponse({ type: ResourceView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 404)
  @Post()
  add(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: CreateResourceDto) {
    return this.resources.add(user, groupId, body);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(401, 404)
  @Delete(':resourceId')
  @HttpCode(204)
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('groupId', groupIdParam) groupId: string,
    @Param('resourceId', idParam('That resource')) resourceId: string,
  ): Promise<void> {
    await this.resources.remove(user, groupId, resourceId);
  }
}
