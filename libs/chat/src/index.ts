export * from './chat.module';
export * from './chat.service';
export * from './chat.types';
export { ChatRetentionService } from './chat-retention.service';
export type { MessageStatus } from './message.entity';
export * from './socket-events';
export * from './asyncapi-document';
