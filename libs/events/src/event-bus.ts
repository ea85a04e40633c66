import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { openRedis, whenReady } from '@kindred/redis';
import { EventCatalogue, EventEnvelope, EventName } from './event-catalogue';

type Handler<K extends EventName> = (payload: EventCatalogue[K]) => void | Promise<void>;

/**
 * Typed events between processes over Redis pub/sub. Delivery is at-most-once, so events only
 * ever nudge: PostgreSQL stays the source of truth and every consumer can catch up from it.
 */
@Injectable()
export class EventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventBus.name);
  private readonly channel: string;
  private publisher?: IORedis;
  private subscriber?: IORedis;
  private readonly handlers = new Map<EventName, Set<Handler<EventName>>>();

  constructor(@Inject(APP_CONFIG) private readonly config: KindredConfig) {
    this.channel = `${config.redis.prefix}:events`;
  }

  /** Connect the publisher at start-up, so the first event is not lost while it connects. */
  onModuleInit(): void {
    this.publisher ??= openRedis(this.config, 'publisher');
  }

  async publish<K extends EventName>(name: K, payload: EventCatalogue[K]): Promise<void> {
    this.publisher ??= openRedis(this.config, 'publisher');
    await whenReady(this.publisher, 1000);
    const envelope: EventEnvelope<K> = { name, payload, at: new Date().toISOString() };
    try {
      await this.publisher.publish(this.channel, JSON.stringify(envelope));
    } catch (error) {
      this.logger.warn({ event: name, err: error }, 'event not published');
    }
  }

  /**
   * Many events of one kind in one round trip (a pipeline): a fan-out telling thousands of people
   * waits for Redis once, not once per person behind whatever else the process is doing.
   */
  async publishMany<K extends EventName>(name: K, payloads: Array<EventCatalogue[K]>): Promise<void> {
    if (payloads.length === 0) return;
    this.publisher ??= openRedis(this.config, 'publisher');
    await whenReady(this.publisher, 1000);
    const at = new Date().toISOString();
    const pipeline = this.publisher.pipeline();
    for (const payload of payloads) pipeline.publish(this.channel, JSON.stringify({ name, payload, at } satisfies EventEnvelope<K>));
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) this.logger.warn({ event: name, events: payloads.length, err: failed[0] }, 'events not all published');
    } catch (error) {
      this.logger.warn({ event: name, events: payloads.length, err: error }, 'events not published');
    }
  }

  /** Registers a handler; the first subscription opens the subscriber connection. */
  async subscribe<K extends EventName>(name: K, handler: Handler<K>): Promise<void> {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler as Handler<EventName>);
    if (!this.subscriber) {
      this.subscriber = openRedis(this.config, 'subscriber');
      this.subscriber.on('message', (_channel: string, raw: string) => void this.dispatch(raw));
      await this.subscriber.subscribe(this.channel);
    }
  }

  private async dispatch(raw: string): Promise<void> {
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(raw) as EventEnvelope;
    } catch {
      this.logger.warn('ignored an event that is not JSON');
      return;
    }
    for (const handler of this.handlers.get(envelope.name) ?? []) {
      try {
        await handler(envelope.payload);
      } catch (error) {
        this.logger.error({ event: envelope.name, err: error }, 'event handler failed');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher?.quit().catch(() => undefined), this.subscriber?.quit().catch(() => undefined)]);
  }
}
