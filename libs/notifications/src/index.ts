export type { NoticeKind } from './notice.entity';
export * from './notices.service';
export * from './notifications.module';
