import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatService } from '@kindred/chat';
import { DomainError, idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { MessageHistoryQuery, MessageReportDto } from './chat.dto';
import { ReportReceiptView } from '../forum/forum.views';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS, PARTICIPATION_PROBLEMS } from '../openapi';
import { ChatMessageView, OnlineMemberView } from './chat.views';

const id = idParam;

/** Chat history and reports over HTTP; live chat itself is the chat service's socket.io. */
@ApiTags('chat')
@ApiBearerAuth()
@ApiProblems(401, ...PARTICIPATION_PROBLEMS, 404)
@Controller()
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  /** `nextCursor` is a message id: pass it back as `before` (or `cursor`), or as `after` when paging forward. */
  @ApiPageResponse(ChatMessageView, 'Newest first (`before`), or oldest first since `after`.')
  @ApiProblems(422)
  @Get('groups/:groupId/messages')
  history(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: MessageHistoryQuery) {
    const { cursor, ...rest } = query;
    if (cursor && rest.before) throw DomainError.validation([{ field: 'cursor', message: 'use either cursor or before, not both' }]);
    return this.chat.history(user, groupId, cursor ? { ...rest, before: cursor } : rest);
  }

  @ApiOperation({
    summary: 'Who is in the group’s chat room now',
    description:
      'For the group’s members (as for its history). Members who turned “show me as online” off (`PUT /me/presence`) are never listed. ' +
      'The chat service sends the same list live as `chat:presence`.',
  })
  @ApiOkResponse({ type: [OnlineMemberView] })
  @Get('groups/:groupId/online')
  online(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.chat.online(user, groupId);
  }

  @ApiCreatedResponse({ type: ReportReceiptView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('messages/:messageId/reports')
  report(@CurrentUser() user: AuthUser, @Param('messageId', id('That message')) messageId: string, @Body() body: MessageReportDto) {
    return this.chat.report(user, messageId, body.clauseKey, body.note);
  }
}
