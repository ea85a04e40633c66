import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ForumService } from '@kindred/forum';
import { AgreementsService, MembershipService } from '@kindred/groups';
import { AccountService, AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { idParam, PageQuery } from '@kindred/http';
import { NoticesService } from '@kindred/notifications';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { NoticeView } from '../moderation/moderation.views';
import { ChangeAboutMeDto, ChangeDisplayNameDto, ChangeEmailDto, ChangePasswordDto, ShowOnlineDto } from './auth.dto';
import { CheckEmailView, MeView, MyPostView, ProfileView, SessionView, UserSummaryView } from './identity.views';

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
    private readonly account: AccountService,
    private readonly agreements: AgreementsService,
    private readonly forum: ForumService,
  ) {}

  @ApiOkResponse({ type: MeView })
  @Get()
  async me(@CurrentUser() user: AuthUser) {
    const [profile, memberships] = await Promise.all([this.identity.profile(user.id), this.memberships.membershipsOf(user.id)]);
    return { id: user.id, displayName: user.displayName, ...profile, isAdmin: user.isAdmin, memberships };
  }

  @Put('about')
  @ApiOperation({
    summary: 'Say a few words about yourself',
    description:
      'Shown to members of the groups you are in (`GET /users/:userId/profile`). Held to a display name’s standard: 422 VALIDATION_FAILED (field `aboutMe`) ' +
      'when it includes personal identifiers such as a phone number, crisis or offensive words, or a web address, and nothing is saved. An empty text clears it.',
  })
  @ApiOkResponse({ type: ProfileView, description: 'Saved.' })
  @ApiProblems(...JSON_BODY_PROBLEMS)
  changeAboutMe(@CurrentUser() user: AuthUser, @Body() body: ChangeAboutMeDto) {
    return this.identity.changeAboutMe(user, body.aboutMe);
  }

  @Put('presence')
  @ApiOperation({
    summary: 'Choose whether others see you online in chat',
    description: 'With `showOnline: false` you are never in a chat room’s “online now” list; rooms you are in hear the change at once.',
  })
  @ApiOkResponse({ type: ProfileView, description: 'Saved.' })
  @ApiProblems(...JSON_BODY_PROBLEMS)
  setShowOnline(@CurrentUser() user: AuthUser, @Body() body: ShowOnlineDto) {
    return this.identity.setShowOnline(user, body.showOnline);
  }

  @ApiPageResponse(MyPostView, 'Your own posts and topics in every group, newest first, each with its status. Nobody else can read this list.')
  @ApiProblems(422)
  @Get('posts')
  myPosts(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.forum.myPosts(user, query);
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
  async myNotices(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    const page = await this.notices.listFor(user.id, query);
    // A clause is shown by its title, never its key: the titles come from each group's current agreement.
    const titles = new Map<string, Map<string, string>>();
    for (const groupId of new Set(page.items.filter((n) => n.clauseKey && n.groupId).map((n) => n.groupId!))) {
      const agreement = await this.agreements.current(groupId);
      titles.set(groupId, new Map((agreement?.clauses ?? []).map((c) => [c.key, c.title])));
    }
    return {
      ...page,
      items: page.items.map((n) => ({ ...n, clauseTitle: (n.clauseKey && n.groupId && titles.get(n.groupId)?.get(n.clauseKey)) || null })),
    };
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

  @ApiOperation({
    summary: 'Change your password',
    description:
      'The current password is checked under the sign-in attempt limits; a wrong one is 422 (field `currentPassword`). ' +
      'The new one follows the registration policy (field `newPassword`). Every other session ends; this one stays.',
  })
  @ApiNoContentResponse({ description: 'Changed; your other sessions have ended.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 429, 503)
  @Post('password')
  @HttpCode(204)
  async changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto, @Req() request: FastifyRequest): Promise<void> {
    await this.account.changePassword(user, body.currentPassword, body.newPassword, request.ip);
  }

  @ApiOperation({
    summary: 'Change your email address',
    description:
      'The password is checked under the sign-in attempt limits (a wrong one is 422, field `password`). The new address is mailed a `/verify-email` link ' +
      'and the account moves to it only when that is followed; the current address is told.',
  })
  @ApiAcceptedResponse({ type: CheckEmailView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 429, 503)
  @Post('email')
  @HttpCode(202)
  changeEmail(@CurrentUser() user: AuthUser, @Body() body: ChangeEmailDto, @Req() request: FastifyRequest) {
    return this.account.requestEmailChange(user, body.password, body.newEmail, request.ip);
  }
}
