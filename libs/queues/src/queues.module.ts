import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEntry } from './outbox.entity';
import { OutboxService } from './outbox.service';
import { QueueProducer } from './queue-producer.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntry])],
  providers: [QueueProducer, OutboxService],
  exports: [QueueProducer, OutboxService],
})
export class QueuesModule {}
