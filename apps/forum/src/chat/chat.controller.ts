import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChatService } from '@kindred/chat';
import { DomainError, idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { MessageHistoryQuery, MessageReportDto } from './chat.dto';

const id = idParam;

/** Chat history and reports over HTTP; live chat itself is the chat service's socket.io. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller()
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  /** `nextCursor` is a message id: pass it back as `before` (or `cursor`), or as `after` when paging forward. */
  @Get('groups/:groupId/messages')
  history(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: MessageHistoryQuery) {
    const { cursor, ...rest } = query;
    if (cursor && rest.before) throw DomainError.validation([{ field: 'cursor', message: 'use either cursor or before, not both' }]);
    return this.chat.history(user, groupId, cursor ? { ...rest, before: cursor } : rest);
  }

  @Post('messages/:messageId/reports')
  report(@CurrentUser() user: AuthUser, @Param('messageId', id('That message')) messageId: string, @Body() body: MessageReportDto) {
    return this.chat.report(user, messageId, body.clauseKey, body.note);
  }
}
