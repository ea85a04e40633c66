import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { isLimitReached, redisLimiter, RedisService } from '@kindred/redis';

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Per-user message limits (a fixed window) with the group's slow mode on top, counted atomically
 * in Redis by rate-limiter-flexible, so they hold on whichever chat instance a socket is connected
 * to. While Redis is down each instance keeps counting in memory: the socket layer needs Redis
 * too, and screening still stands between a flood and the room.
 */
@Injectable()
export class ChatRateLimiter {
  private readonly logger = new Logger(ChatRateLimiter.name);
  private readonly messages: RateLimiterRedis;
  /** One point per slow-mode interval per member and group; each take sets that group's interval. */
  private readonly slowMode: RateLimiterRedis;

  constructor(@Inject(APP_CONFIG) config: KindredConfig, redis: RedisService) {
    const { messagesPerWindow, rateWindowSeconds } = config.chat;
    this.messages = redisLimiter(redis, 'chat-messages', { points: messagesPerWindow, durationSeconds: rateWindowSeconds, whenRedisDown: 'memory' });
    this.slowMode = redisLimiter(redis, 'chat-slow-mode', { points: 1, durationSeconds: 1, whenRedisDown: 'memory' });
  }

  /**
   * Counts one message. Slow mode is taken first, so a send it refuses does not count against the
   * window; a send the window refuses gives its slow-mode point back.
   */
  async take(userId: string, groupId: string, slowModeSeconds: number): Promise<RateDecision> {
    const slow = Math.max(0, Math.floor(slowModeSeconds));
    try {
      if (slow > 0) await this.slowMode.consume(slowKey(groupId, userId), 1, { customDuration: slow });
      try {
        await this.messages.consume(userId);
      } catch (error) {
        if (slow > 0) await this.slowMode.delete(slowKey(groupId, userId)).catch(() => undefined);
        throw error;
      }
      return { allowed: true, retryAfterMs: 0 };
    } catch (error) {
      if (isLimitReached(error)) return { allowed: false, retryAfterMs: Math.max(0, error.msBeforeNext) };
      this.logger.warn({ err: error }, 'chat rate limit not checked');
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  /**
   * For a send that turned out to be a retry of a stored message: it is not a new message, so it
   * must not count. The slow-mode point goes too, since the take that set it was this one (a
   * take refused by slow mode never reaches here).
   */
  async giveBack(userId: string, groupId: string, slowModeSeconds: number): Promise<void> {
    try {
      await Promise.all([this.messages.reward(userId), slowModeSeconds > 0 ? this.slowMode.delete(slowKey(groupId, userId)) : Promise.resolve(true)]);
    } catch (error) {
      this.logger.warn({ err: error }, 'chat rate limit not given back');
    }
  }
}

function slowKey(groupId: string, userId: string): string {
  return `${groupId}:${userId}`;
}
