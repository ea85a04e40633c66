import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { RedisService } from '@kindred/redis';

/**
 * One script, so the per-user window and the group's slow mode are checked and counted together
 * and atomically, on whichever chat instance the socket happens to be connected to.
 * KEYS[1] per-user window counter, KEYS[2] per-user-per-group slow-mode marker.
 * ARGV[1] messages per window, ARGV[2] window ms, ARGV[3] slow-mode ms (0 = off).
 * Returns { allowed (1|0), retry-after ms }.
 */
const SCRIPT = `
local slow = tonumber(ARGV[3])
if slow > 0 then
  local wait = redis.call('PTTL', KEYS[2])
  if wait > 0 then return {0, wait} end
end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then
  local wait = redis.call('PTTL', KEYS[1])
  if wait < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) wait = tonumber(ARGV[2]) end
  return {0, wait}
end
if slow > 0 then redis.call('SET', KEYS[2], '1', 'PX', slow) end
return {1, 0}
`;

/**
 * Undoes one allowed take: KEYS[1] the window counter (never below 0), KEYS[2] the slow-mode
 * marker, removed when ARGV[1] is 1 (the take that set it is the one being given back).
 */
const GIVE_BACK = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
if ARGV[1] == '1' then redis.call('DEL', KEYS[2]) end
return 1
`;

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/** Per-user message limits in Redis (a fixed window), with the group's slow mode on top. */
@Injectable()
export class ChatRateLimiter {
  private readonly logger = new Logger(ChatRateLimiter.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly redis: RedisService,
  ) {}

  async take(userId: string, groupId: string, slowModeSeconds: number): Promise<RateDecision> {
    const { messagesPerWindow, rateWindowSeconds } = this.config.chat;
    try {
      const [allowed, wait] = (await this.redis.client.eval(
        SCRIPT,
        2,
        this.redis.key('chat', 'rate', userId),
        this.redis.key('chat', 'slow', groupId, userId),
        messagesPerWindow,
        rateWindowSeconds * 1000,
        Math.max(0, slowModeSeconds) * 1000,
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterMs: Number(wait) };
    } catch (error) {
      // Without Redis the socket layer is down too; screening still stands between a flood and the room.
      this.logger.warn({ err: (error as Error).message }, 'chat rate limit not checked (Redis unavailable)');
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  /**
   * For a send that turned out to be a retry of a stored message: it is not a new message, so it
   * must not count. The slow-mode marker goes too, since the take that set it was this one (a
   * take refused by slow mode never reaches here).
   */
  async giveBack(userId: string, groupId: string, slowModeSeconds: number): Promise<void> {
    try {
      await this.redis.client.eval(
        GIVE_BACK,
        2,
        this.redis.key('chat', 'rate', userId),
        this.redis.key('chat', 'slow', groupId, userId),
        slowModeSeconds > 0 ? 1 : 0,
      );
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'chat rate limit not given back (Redis unavailable)');
    }
  }
}
