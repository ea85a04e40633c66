export * from './event-catalogue';
export * from './event-bus';
export * from './events.module';
