export * from './mail-templates';
export * from './mail.service';
export * from './mail-sender.service';
export * from './mail.module';
