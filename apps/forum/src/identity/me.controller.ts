import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { idParam, PageQuery } from '@kindred/http';
import { NoticesService } from '@kindred/notifications';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { NoticeView } from '../moderation/moderation.views';
import { ChangeDisplayNameDto } from './auth.dto';
import { MeView, SessionView, UserSummaryView } from './identity.views';

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

  @Patch()
  @ApiOperation({
    summary: 'Change your display name',
    description:
      'The new name is held to the same standard as at registration: 422 VALIDATION_FAILED (field `displayName`) when it includes personal identifiers, ' +
      'crisis or offensive words, or a web address; 409 CONFLICT when it is, or looks like, a name someone else already uses.',
  })
  @ApiOkResponse({ type: UserSummaryView, description: 'The name was changed.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  changeDisplayName(@CurrentUser() user: AuthUser, @Body() body: ChangeDisplayNameDto) {
    return this.identity.changeDisplayName(user, body.displayName);
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
