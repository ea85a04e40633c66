import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { idParam, PageQuery } from '@kindred/http';
import { NoticesService } from '@kindred/notifications';
import { ApiPageResponse, ApiProblems } from '../openapi';
import { NoticeView } from '../moderation/moderation.views';
import { MeView, SessionView } from './identity.views';

const uuid = idParam('That session');

@ApiTags('identity')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('me')
export class MeController {
  constructor(
    private readonly identity: IdentityService,
    private readonly memberships: MembershipService,
    private readonly notices: NoticesService,
  ) {}

  @ApiOkResponse({ type: MeView })
  @Get()
  async me(@CurrentUser() user: AuthUser) {
    return { id: user.id, displayName: user.displayName, isAdmin: user.isAdmin, memberships: await this.memberships.membershipsOf(user.id) };
  }

  @ApiPageResponse(NoticeView, 'Notices to the caller, newest first.')
  @ApiProblems(422)
  @Get('notices')
  myNotices(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.notices.listFor(user.id, query);
  }

  @ApiOkResponse({ type: [SessionView], description: 'The caller’s live sessions, newest first.' })
  @Get('sessions')
  sessions(@CurrentUser() user: AuthUser) {
    return this.identity.listSessions(user);
  }

  @ApiNoContentResponse({ description: 'The session ended.' })
  @ApiProblems(404)
  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async endSession(@CurrentUser() user: AuthUser, @Param('sessionId', uuid) sessionId: string): Promise<void> {
    await this.identity.endSession(user, sessionId);
  }
}
