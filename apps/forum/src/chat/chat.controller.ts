import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ChatService } from '@kindred/chat';
import { DomainError, idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { MessageHistoryQuery, MessageReportDto } from './chat.dto';
import { ReportReceiptView } from '../forum/forum.views';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS, PARTICIPATION_PROBLEMS } from '../openapi';
import { ChatMessageView } from './chat.views';

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

  @ApiCreatedResponse({ type: ReportReceiptView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('messages/:messageId/reports')
  report(@CurrentUser() user: AuthUser, @Param('messageId', id('That message')) messageId: string, @Body() body: MessageReportDto) {
    return this.chat.report(user, messageId, body.clauseKey, body.note);
  }
}
