export * from './queue-catalogue';
export * from './outbox.entity';
export * from './outbox.service';
export * from './queue-producer.service';
export * from './queues.module';
export * from './job-runner';
