import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { AuthUser } from './auth-user';
import { Session } from './session.entity';

export interface NewSession {
  userId: string;
  tokenHash: string;
  userAgent: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A session not ended, found by its token, with the account it signs in. */
export interface SessionOwner {
  user: AuthUser;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** Every query of `sessions`. A session is ended by setting `revoked_at`, and deleted a week later. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(session: NewSession): Promise<void> {
    await this.dataSource.getRepository(Session).insert({ ...session, revokedAt: null });
  }

  async findByTokenHash(tokenHash: string): Promise<SessionOwner | null> {
    const rows = (await this.dataSource.query(
      `SELECT s.id AS session_id, s.last_seen_at, s.expires_at, u.id AS user_id, u.display_name, u.is_admin
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL`,
      [tokenHash],
    )) as Array<{ session_id: string; last_seen_at: Date; expires_at: Date; user_id: string; display_name: string; is_admin: boolean }>;
    const row = rows[0];
    if (!row) return null;
    return {
      user: { id: row.user_id, displayName: row.display_name, isAdmin: row.is_admin, sessionId: row.session_id },
      lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  /** When a session not ended was last used and when it runs out; null when it was ended or is unknown. */
  async activity(sessionId: string): Promise<{ lastSeenAt: Date; expiresAt: Date } | null> {
    const rows = (await this.dataSource.query(`SELECT last_seen_at, expires_at FROM sessions WHERE id = $1 AND revoked_at IS NULL`, [sessionId])) as Array<{
      last_seen_at: Date;
      expires_at: Date;
    }>;
    const row = rows[0];
    return row ? { lastSeenAt: new Date(row.last_seen_at), expiresAt: new Date(row.expires_at) } : null;
  }

  async touch(sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [sessionId]);
  }

  /** Sessions of the user not ended, newest first (some may have run out: the caller judges). */
  openOf(userId: string): Promise<Session[]> {
    return this.dataSource.getRepository(Session).find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** Every session of the user, ended ones too, oldest first. */
  allOf(userId: string): Promise<Session[]> {
    return this.dataSource.getRepository(Session).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  /** Ends one session that ran out, whoever holds it. */
  async endExpired(sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }

  /** Ends the user's session; false when it is not theirs or was already ended. */
  async endOne(userId: string, sessionId: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`, [
      sessionId,
      userId,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /** Ends the given sessions of the user, or without ids every one. */
  async end(userId: string, sessionIds?: string[]): Promise<void> {
    if (sessionIds) {
      await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND revoked_at IS NULL`, [
        userId,
        sessionIds,
      ]);
    } else {
      await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    }
  }

  /** Ends every session of the user but one; the ids of those it ended. */
  async endAllBut(userId: string, keptSessionId: string): Promise<string[]> {
    const [rows] = (await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id`, [
      userId,
      keptSessionId,
    ])) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /** Deletes sessions ended, or run out, more than a week ago; how many went. */
  async pruneEnded(): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < now() - interval '7 days') OR expires_at < now() - interval '7 days'`,
    )) as [unknown, number];
    return deleted ?? 0;
  }
}
