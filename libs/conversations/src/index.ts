export * from './conversations.module';
export * from './conversations.service';
export * from './conversation.types';
