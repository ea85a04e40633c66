export * from './chat.module';
export * from './chat.service';
export * from './chat.types';
export { ChatPresence, PRESENCE_RENEW_MS, PRESENCE_TTL_MS } from './chat-presence';
export type { OnlineMember } from './chat-presence';
export { ChatRetentionService } from './chat-retention.service';
export type { MessageStatus } from './message.entity';
export * from './socket-events';
export * from './asyncapi-document';
