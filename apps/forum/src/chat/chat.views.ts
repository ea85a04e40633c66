import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChatMessageView as ChatMessage } from '@kindred/chat';
import { AuthorView } from '../forum/forum.views';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

/** A published chat message, as in the socket.io `chat:message` event. */
export class ChatMessageView implements Wire<ChatMessage> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: AuthorView })
  author: AuthorView;

  @ApiProperty()
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, nullable: true, description: 'The sender’s own idempotency key, so it can match its optimistic copy.' })
  clientMsgId: string | null;

  @ApiPropertyOptional({
    enum: ['screening', 'held', 'rejected'],
    description: 'Only on the caller’s own messages the room has not seen (first page of history): being checked, held for a supporter, or not sent.',
  })
  status?: 'screening' | 'held' | 'rejected';
}

/** Someone in a group's chat room now (`GET /groups/:groupId/online`, `chat:presence`). */
export class OnlineMemberView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}
