import { Injectable, Logger } from '@nestjs/common';
import { IdentityService } from '@kindred/identity';
import { RedisService } from '@kindred/redis';

/** How long a socket counts as present after it was last seen in a room: chat instances renew their sockets well within this. */
export const PRESENCE_TTL_MS = 45_000;
/** How often each chat instance renews the presence of its sockets (and notices entries left by an instance that stopped). */
export const PRESENCE_RENEW_MS = 15_000;

/** Someone in a group's chat room now. */
export interface OnlineMember {
  id: string;
  displayName: string;
}

/**
 * Who is in each group's chat room now, across every chat instance: a sorted set per group in
 * Redis whose members are `user|socket` and whose scores are when each entry runs out. Each
 * instance adds its sockets as they join, removes them as they leave or close, and renews them
 * every PRESENCE_RENEW_MS; an instance that stops without saying so is forgotten within
 * PRESENCE_TTL_MS. Whether a person is shown is decided when the list is read: someone who turned
 * "show me as online" off is never in it, however recent their entry.
 */
@Injectable()
export class ChatPresence {
  private readonly logger = new Logger(ChatPresence.name);

  constructor(
    private readonly redis: RedisService,
    private readonly identity: IdentityService,
  ) {}

  /** The socket is in the group's room from now (renewed by `renew`). */
  async enter(groupId: string, userId: string, socketId: string): Promise<void> {
    const key = this.key(groupId);
    await this.redis.client.multi().zadd(key, Date.now() + PRESENCE_TTL_MS, entry(userId, socketId)).pexpire(key, PRESENCE_TTL_MS * 2).exec();
  }

  /** The socket left the group's room (or closed). */
  async leave(groupId: string, userId: string, socketId: string): Promise<void> {
    await this.redis.client.zrem(this.key(groupId), entry(userId, socketId));
  }

  /**
   * Renews these sockets' entries, and drops every entry of their groups that has run out. The
   * groups where something ran out are returned: their rooms should hear the new list.
   */
  async renew(present: Array<{ groupId: string; userId: string; socketId: string }>): Promise<string[]> {
    if (present.length === 0) return [];
    const now = Date.now();
    const groups = [...new Set(present.map((p) => p.groupId))];
    const pipeline = this.redis.client.multi();
    for (const p of present) pipeline.zadd(this.key(p.groupId), now + PRESENCE_TTL_MS, entry(p.userId, p.socketId));
    for (const groupId of groups) {
      pipeline.pexpire(this.key(groupId), PRESENCE_TTL_MS * 2);
      pipeline.zremrangebyscore(this.key(groupId), '-inf', now);
    }
    const results = (await pipeline.exec()) ?? [];
    const dropped = results.slice(present.length).filter((_, i) => i % 2 === 1);
    return groups.filter((_, i) => Number(dropped[i]?.[1] ?? 0) > 0);
  }

  /** Who is in the room now and may be shown, by name. Ask only for someone allowed in the room. */
  async online(groupId: string): Promise<OnlineMember[]> {
    const entries = await this.redis.client.zrangebyscore(this.key(groupId), Date.now(), '+inf');
    const userIds = [...new Set(entries.map((e) => e.split('|')[0]!))];
    if (userIds.length === 0) return [];
    const shown = await this.identity.shownOnline(userIds);
    const names = await this.identity.displayNames(shown);
    return shown
      .flatMap((id) => {
        const displayName = names.get(id);
        return displayName ? [{ id, displayName }] : [];
      })
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** As `online`, but an empty list (logged) when Redis cannot answer: presence is a courtesy. */
  async onlineOrNobody(groupId: string): Promise<OnlineMember[]> {
    try {
      return await this.online(groupId);
    } catch (error) {
      this.logger.warn({ groupId, err: error }, 'who is online not known');
      return [];
    }
  }

  private key(groupId: string): string {
    return this.redis.key('chat-presence', groupId);
  }
}

function entry(userId: string, socketId: string): string {
  return `${userId}|${socketId}`;
}
