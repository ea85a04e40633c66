import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { idParam, PageQuery } from '@kindred/http';
import { NoticesService } from '@kindred/notifications';

const uuid = idParam('That session');

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly identity: IdentityService,
    private readonly memberships: MembershipService,
    private readonly notices: NoticesService,
  ) {}

  @Get()
  async me(@CurrentUser() user: AuthUser) {
    return { id: user.id, displayName: user.displayName, isAdmin: user.isAdmin, memberships: await this.memberships.membershipsOf(user.id) };
  }

  @Get('notices')
  myNotices(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.notices.listFor(user.id, query);
  }

  @Get('sessions')
  sessions(@CurrentUser() user: AuthUser) {
    return this.identity.listSessions(user);
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async endSession(@CurrentUser() user: AuthUser, @Param('sessionId', uuid) sessionId: string): Promise<void> {
    await this.identity.endSession(user, sessionId);
  }
}
