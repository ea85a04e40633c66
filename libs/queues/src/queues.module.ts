import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEntry } from './outbox.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { QueueProducer } from './queue-producer.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntry])],
  providers: [QueueProducer, OutboxRepository, OutboxService],
  exports: [QueueProducer, OutboxService],
})
export class QueuesModule {}
