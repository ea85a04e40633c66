import { Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam, idParam } from './id-param.pipe';

const userIdParam = idParam('That person');

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups/:groupId')
export class MembershipsController {
  constructor(private readonly memberships: MembershipService) {}

  @AdminOnly()
  @Put('supporters/:userId')
  @HttpCode(204)
  async appoint(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Param('userId', userIdParam) userId: string): Promise<void> {
    await this.memberships.appointSupporter(user, groupId, userId);
  }

  @AdminOnly()
  @Delete('supporters/:userId')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Param('userId', userIdParam) userId: string): Promise<void> {
    await this.memberships.removeSupporter(user, groupId, userId);
  }

  @Get('members')
  members(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Query() query: PageQuery) {
    return this.memberships.list(user, groupId, query);
  }
}
