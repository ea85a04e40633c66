import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { ModerationSettings } from '../group/moderation-settings';
import { Membership, MembershipRole, MembershipStatus } from './membership.entity';

/** A membership with the latest agreement version its member accepted in the group. */
export interface MembershipRecord {
  userId: string;
  groupId: string;
  role: MembershipRole;
  status: MembershipStatus;
  joinedAt: Date;
  mutedUntil: Date | null;
  acceptedVersion: number | null;
}

/**
 * A person's standing in a group as `member_standing(group, user)` returns it (the SQL function
 * groups publish for other contexts to join to their own reads): all null when the group does not exist.
 */
export interface StandingColumns {
  standing_group_id: string | null;
  standing_role: MembershipRole | null;
  standing_status: MembershipStatus | null;
  standing_muted_until: Date | null;
  standing_current_version: number | string | null;
  standing_accepted_version: number | string | null;
  /** Only when the caller selected the write rules too. */
  standing_moderation?: ModerationSettings | null;
  standing_slow_mode_seconds?: number | null;
}

interface MemberRow {
  user_id: string;
  group_id: string;
  role: MembershipRole;
  status: MembershipStatus;
  joined_at: Date;
  muted_until: Date | null;
  accepted_version: number | string | null;
}

const ACCEPTED_VERSION = `(SELECT max(a.version) FROM agreement_acceptances a WHERE a.group_id = m.group_id AND a.user_id = m.user_id) AS accepted_version`;
const BAN = `INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'banned')
       ON CONFLICT (user_id, group_id) DO UPDATE SET status = 'banned', role = 'member'`;

/** `memberships`, and a person's standing in a group (with the agreement versions it depends on). */
/** How a members list is narrowed. */
export interface MemberFilter {
  role?: 'member' | 'supporter';
  standing?: 'active' | 'muted' | 'banned';
  userIds?: string[];
}

@Injectable()
export class MembershipsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new active member; someone appointed supporter while their application waited keeps that role. */
  async admit(tx: Tx, userId: string, groupId: string): Promise<void> {
    await manager(tx).query(`INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'active') ON CONFLICT DO NOTHING`, [
      userId,
      groupId,
    ]);
  }

  find(userId: string, groupId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<Membership | null> {
    return manager(tx).getRepository(Membership).findOne({ where: { userId, groupId } });
  }

  /** Makes the person an active supporter, creating the membership if needed. False when they are banned. */
  async appointSupporter(userId: string, groupId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<boolean> {
    const rows = (await manager(tx).query(
      `INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'supporter', 'active')
       ON CONFLICT (user_id, group_id) DO UPDATE SET role = 'supporter' WHERE memberships.status = 'active'
       RETURNING user_id`,
      [userId, groupId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** A supporter back to member. False when they were not a supporter. */
  async removeSupporter(userId: string, groupId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<boolean> {
    const [rows] = (await manager(tx).query(
      `UPDATE memberships SET role = 'member' WHERE user_id = $1 AND group_id = $2 AND role = 'supporter' RETURNING user_id`,
      [userId, groupId],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /**
   * The group's active supporters, locked until the transaction ends: two supporters leaving at once
   * are decided one after the other, so the group is never left without one by a race.
   */
  async lockSupporters(tx: Tx, groupId: string): Promise<string[]> {
    const rows = (await manager(tx).query(
      `SELECT user_id FROM memberships WHERE group_id = $1 AND role = 'supporter' AND status = 'active' ORDER BY user_id FOR UPDATE`,
      [groupId],
    )) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** The person leaves the group: their active membership goes (a ban stays). False when they had none. */
  async leave(tx: Tx, userId: string, groupId: string): Promise<boolean> {
    const [rows] = (await manager(tx).query(`DELETE FROM memberships WHERE user_id = $1 AND group_id = $2 AND status = 'active' RETURNING user_id`, [
      userId,
      groupId,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /** Whether the two people both take part (not banned) in at least one group. */
  async shareAGroup(userId: string, otherId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM memberships a JOIN memberships b ON b.group_id = a.group_id AND b.user_id = $2 AND b.status = 'active'
        WHERE a.user_id = $1 AND a.status = 'active' LIMIT 1`,
      [userId, otherId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * A group's memberships in the order people joined, after the cursor's (joined_at, user_id),
   * narrowed by role, by standing (active, muted now, banned) and to some people when asked.
   */
  async page(groupId: string, limit: number, after: { at: string; id: string } | null, filter: MemberFilter = {}): Promise<MembershipRecord[]> {
    const params: unknown[] = [groupId, limit];
    const where: string[] = [];
    if (after) {
      params.push(after.at, after.id);
      where.push(`(m.joined_at, m.user_id) > (CAST($${params.length - 1} AS timestamptz), CAST($${params.length} AS uuid))`);
    }
    if (filter.role) {
      params.push(filter.role);
      where.push(`m.role = $${params.length}`);
    }
    if (filter.standing === 'banned') where.push(`m.status = 'banned'`);
    if (filter.standing === 'active') where.push(`m.status = 'active' AND (m.muted_until IS NULL OR m.muted_until <= now())`);
    if (filter.standing === 'muted') where.push(`m.status = 'active' AND m.muted_until > now()`);
    if (filter.userIds) {
      params.push(filter.userIds);
      where.push(`m.user_id = ANY($${params.length}::uuid[])`);
    }
    const rows = (await this.dataSource.query(
      `SELECT m.user_id, m.group_id, m.role, m.status, m.joined_at, m.muted_until,
              ${ACCEPTED_VERSION}
         FROM memberships m
        WHERE m.group_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY m.joined_at, m.user_id
        LIMIT $2`,
      params,
    )) as MemberRow[];
    return rows.map(toRecord);
  }

  /** The person's active memberships, in the order they joined. */
  async activeOf(userId: string): Promise<MembershipRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT m.user_id, m.group_id, m.role, m.status, m.joined_at, m.muted_until,
              ${ACCEPTED_VERSION}
         FROM memberships m
        WHERE m.user_id = $1 AND m.status = 'active'
        ORDER BY m.joined_at, m.group_id`,
      [userId],
    )) as MemberRow[];
    return rows.map(toRecord);
  }

  /** Mutes until `until` (a later mute replaces an earlier one). False when there is no membership. */
  async mute(userId: string, groupId: string, until: Date, tx: Tx = asTx(this.dataSource.manager)): Promise<boolean> {
    const [rows] = (await manager(tx).query(`UPDATE memberships SET muted_until = $3 WHERE user_id = $1 AND group_id = $2 RETURNING user_id`, [
      userId,
      groupId,
      until,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /** Bans; the row stays (banned) so the person cannot apply again or be re-admitted by accident. */
  async ban(userId: string, groupId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<void> {
    await manager(tx).query(BAN, [userId, groupId]);
  }

  /** Ends the mute given until `until` unless it has run out or a later mute replaced it. True when it ended. */
  async liftMute(tx: Tx, userId: string, groupId: string, until: Date): Promise<boolean> {
    const [rows] = (await manager(tx).query(
      `UPDATE memberships SET muted_until = NULL WHERE user_id = $1 AND group_id = $2 AND muted_until = $3 AND muted_until > now() RETURNING user_id`,
      [userId, groupId, until],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** A banned person back as a member. True when they were banned. */
  async liftBan(tx: Tx, userId: string, groupId: string): Promise<boolean> {
    const [rows] = (await manager(tx).query(
      `UPDATE memberships SET status = 'active' WHERE user_id = $1 AND group_id = $2 AND status = 'banned' RETURNING user_id`,
      [userId, groupId],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** Those of the people who take part in the group now (active: members and supporters, not banned). */
  async activeAmong(groupId: string, userIds: string[], tx: Tx = asTx(this.dataSource.manager)): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await manager(tx).query(`SELECT user_id FROM memberships WHERE group_id = $1 AND status = 'active' AND user_id = ANY($2::uuid[])`, [
      groupId,
      userIds,
    ])) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /**
   * Active members of the group (supporters too) whose display name starts with `prefix` (already
   * normalised: any case), by name, at most `limit`, leaving out `exceptUserId`. Names come from
   * identity's published `display_names`.
   */
  async namedStartingWith(groupId: string, prefix: string, exceptUserId: string, limit: number): Promise<Array<{ userId: string; displayName: string }>> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = (await this.dataSource.query(
      `SELECT m.user_id, n.display_name
         FROM memberships m JOIN display_names n ON n.id = m.user_id
        WHERE m.group_id = $1 AND m.status = 'active' AND m.user_id <> $2
          AND n.display_name_normalised LIKE $3 ESCAPE '\\'
        ORDER BY n.display_name_normalised, m.user_id
        LIMIT $4`,
      [groupId, exceptUserId, pattern, limit],
    )) as Array<{ user_id: string; display_name: string }>;
    return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name }));
  }

  /** Everyone taking part in the group (not banned): who is told of a new agreement. */
  async activeMemberIds(groupId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT user_id FROM memberships WHERE group_id = $1 AND status = 'active'`, [groupId])) as Array<{
      user_id: string;
    }>;
    return rows.map((r) => r.user_id);
  }

  async supporterIds(groupId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT user_id FROM memberships WHERE group_id = $1 AND role = 'supporter' AND status = 'active'`, [
      groupId,
    ])) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** One round trip: the group's current version, and the person's membership and latest acceptance. Null when no such group. */
  async standing(groupId: string, userId: string): Promise<StandingColumns | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM member_standing($1, $2)`, [groupId, userId])) as StandingColumns[];
    return rows[0]?.standing_group_id ? rows[0] : null;
  }

  /** The person's memberships, with each group's name, for their data export. */
  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT m.group_id AS "groupId", g.name AS "groupName", m.role, m.status, m.muted_until AS "mutedUntil", m.joined_at AS "joinedAt"
         FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY m.joined_at`,
      [userId],
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM memberships WHERE user_id = $1`, [userId]);
  }
}

function toRecord(r: MemberRow): MembershipRecord {
  return {
    userId: r.user_id,
    groupId: r.group_id,
    role: r.role,
    status: r.status,
    joinedAt: new Date(r.joined_at),
    mutedUntil: r.muted_until === null ? null : new Date(r.muted_until),
    acceptedVersion: r.accepted_version === null ? null : Number(r.accepted_version),
  };
}
