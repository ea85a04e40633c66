import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GroupResourcesService } from '@kindred/groups';
import { Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam, idParam } from './id-param.pipe';
import { CreateResourceDto } from './resources.dto';

@ApiTags('signposting')
@Controller('groups/:groupId/resources')
export class ResourcesController {
  constructor(private readonly resources: GroupResourcesService) {}

  @Public()
  @Get()
  list(@Param('groupId', groupIdParam) groupId: string) {
    return this.resources.list(groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @Post()
  add(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: CreateResourceDto) {
    return this.resources.add(user, groupId, body);
  }

  @ApiBearerAuth()
  @AdminOnly()
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
