import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConversationsService } from '@kindred/conversations';
import { MembershipService } from '@kindred/groups';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { CheckInOpenDto, ConversationHistoryQuery, ConversationMessageDto } from './mentoring.dto';
import { ConversationMessageView, ConversationView, MessageAcceptedView } from './mentoring.views';

const id = idParam;

/**
 * Screened one-to-one conversations: a supporter's check-in with a member, a mentoring pair's
 * conversation, a group's supervision thread. New messages are read by polling with `after`.
 */
@ApiTags('conversations')
@ApiBearerAuth()
@ApiProblems(401, 404)
@Controller()
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly memberships: MembershipService,
  ) {}

  /** A supporter or admin of the item's group checks in privately with the person it is about. Audited. */
  @ApiCreatedResponse({ type: ConversationView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409, 413)
  @StaffEndpoint()
  @Post('review-items/:itemId/check-ins')
  async openCheckIn(@CurrentUser() user: AuthUser, @Param('itemId', id('That review item')) itemId: string, @Body() body: CheckInOpenDto) {
    return this.conversations.openCheckIn(user, itemId, body.message);
  }

  @ApiOkResponse({ type: [ConversationView], description: 'Conversations you take part in, and the check-ins of groups you support.' })
  @Get('me/conversations')
  async mine(@CurrentUser() user: AuthUser) {
    const supported = (await this.memberships.membershipsOf(user.id)).filter((m) => m.role === 'supporter').map((m) => m.groupId);
    return this.conversations.mine(user, supported);
  }

  @ApiOkResponse({ type: ConversationView })
  @Get('conversations/:conversationId')
  get(@CurrentUser() user: AuthUser, @Param('conversationId', id('That conversation')) conversationId: string) {
    return this.conversations.get(user, conversationId);
  }

  @ApiOkResponse({ type: [ConversationMessageView], description: 'Oldest first: published messages and your own in any state.' })
  @ApiProblems(422)
  @Get('conversations/:conversationId/messages')
  messages(@CurrentUser() user: AuthUser, @Param('conversationId', id('That conversation')) conversationId: string, @Query() query: ConversationHistoryQuery) {
    return this.conversations.history(user, conversationId, query);
  }

  @ApiAcceptedResponse({ type: MessageAcceptedView, description: 'Being screened; others read it once it passes.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'NOT_A_MEMBER', 'BANNED', 409)
  @HttpCode(202)
  @Post('conversations/:conversationId/messages')
  send(@CurrentUser() user: AuthUser, @Param('conversationId', id('That conversation')) conversationId: string, @Body() body: ConversationMessageDto) {
    return this.conversations.send(user, conversationId, body);
  }

  @ApiOkResponse({ type: ConversationView })
  @ApiProblems(403, 409)
  @HttpCode(200)
  @Post('conversations/:conversationId/decline')
  decline(@CurrentUser() user: AuthUser, @Param('conversationId', id('That conversation')) conversationId: string) {
    return this.conversations.decline(user, conversationId);
  }

  @ApiOkResponse({ type: ConversationView })
  @ApiProblems(409)
  @StaffEndpoint()
  @HttpCode(200)
  @Post('conversations/:conversationId/close')
  close(@CurrentUser() user: AuthUser, @Param('conversationId', id('That conversation')) conversationId: string) {
    return this.conversations.closeCheckIn(user, conversationId);
  }

  @ApiOkResponse({ type: ConversationView, description: 'The group’s staff-only thread for handovers and debriefs: its supporters, admins and mentors.' })
  @StaffEndpoint()
  @Get('groups/:groupId/supervision')
  supervision(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.conversations.supervision(user, groupId);
  }
}
