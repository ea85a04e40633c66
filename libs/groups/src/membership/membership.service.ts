import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '@kindred/events';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { assertUuid } from '../ids';
import { Membership, MembershipRole, MembershipStatus } from './membership.entity';
import { ParticipationService } from './participation.service';

/** One of the caller's own memberships (GET /me). */
export interface MyMembership {
  groupId: string;
  role: MembershipRole;
  acceptedAgreementVersion: number | null;
  mutedUntil: Date | null;
}

/** A member as the group's supporters and admins see them. Never an email. */
export interface MemberView {
  userId: string;
  displayName: string;
  role: MembershipRole;
  status: MembershipStatus;
  joinedAt: Date;
  acceptedAgreementVersion: number | null;
  mutedUntil: Date | null;
}

interface MemberRow {
  user_id: string;
  role: MembershipRole;
  status: MembershipStatus;
  joined_at: Date;
  muted_until: Date | null;
  accepted_version: number | null;
}

/** Who is in which group, in what role: supporters, mutes, bans. Every change publishes `membership.changed`. */
@Injectable()
export class MembershipService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
  ) {}

  /** Makes an approved applicant a member, inside the caller's transaction. The caller publishes the change after commit. */
  async admit(manager: EntityManager, userId: string, groupId: string): Promise<void> {
    // Someone appointed supporter while their application waited keeps that role.
    await manager.query(`INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'active') ON CONFLICT DO NOTHING`, [
      userId,
      groupId,
    ]);
  }

  /** The person's membership or ban in a group, if any. */
  async find(userId: string, groupId: string, manager: EntityManager = this.dataSource.manager): Promise<Membership | null> {
    return manager.getRepository(Membership).findOne({ where: { userId, groupId } });
  }

  /** PUT /groups/:groupId/supporters/:userId — makes the person a supporter, creating the membership if needed. */
  async appointSupporter(admin: AuthUser, groupId: string, userId: string): Promise<void> {
    await this.assertAdminOfExistingGroup(admin, groupId);
    await this.assertUserExists(userId);
    const rows = (await this.dataSource.query(
      `INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'supporter', 'active')
       ON CONFLICT (user_id, group_id) DO UPDATE SET role = 'supporter' WHERE memberships.status = 'active'
       RETURNING user_id`,
      [userId, groupId],
    )) as unknown[];
    if (rows.length === 0) throw DomainError.conflict('That person is banned from this group, so they cannot be one of its supporters.');
    await this.changed(userId, groupId);
  }

  /** DELETE /groups/:groupId/supporters/:userId — the person stays in the group as a member. */
  async removeSupporter(admin: AuthUser, groupId: string, userId: string): Promise<void> {
    await this.assertAdminOfExistingGroup(admin, groupId);
    assertUuid(userId, 'That supporter');
    const [rows] = (await this.dataSource.query(
      `UPDATE memberships SET role = 'member' WHERE user_id = $1 AND group_id = $2 AND role = 'supporter' RETURNING user_id`,
      [userId, groupId],
    )) as [unknown[], number];
    if (rows.length === 0) throw DomainError.notFound('That supporter');
    await this.changed(userId, groupId);
  }

  /** GET /groups/:groupId/members — for the group's supporters and admins, in the order people joined. */
  async list(user: AuthUser, groupId: string, page: PageQuery = {}): Promise<Page<MemberView>> {
    await this.participation.assertModerator(user, groupId);
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const params: unknown[] = [groupId, limit + 1];
    let after = '';
    if (cursor) {
      params.push(cursor.at, cursor.id);
      after = `AND (m.joined_at, m.user_id) > (CAST($3 AS timestamptz), CAST($4 AS uuid))`;
    }
    const rows = (await this.dataSource.query(
      `SELECT m.user_id, m.role, m.status, m.joined_at, m.muted_until,
              (SELECT max(a.version) FROM agreement_acceptances a WHERE a.group_id = m.group_id AND a.user_id = m.user_id) AS accepted_version
         FROM memberships m
        WHERE m.group_id = $1 ${after}
        ORDER BY m.joined_at, m.user_id
        LIMIT $2`,
      params,
    )) as MemberRow[];
    const names = await this.identity.displayNames(rows.map((r) => r.user_id));
    return toPage(
      rows,
      limit,
      (r) => ({ at: new Date(r.joined_at).toISOString(), id: r.user_id }),
      (r) => ({
        userId: r.user_id,
        displayName: names.get(r.user_id) ?? 'Former member',
        role: r.role,
        status: r.status,
        joinedAt: new Date(r.joined_at),
        acceptedAgreementVersion: r.accepted_version === null ? null : Number(r.accepted_version),
        mutedUntil: activeMute(r.muted_until),
      }),
    );
  }

  /** The caller's active memberships, for GET /me. */
  async membershipsOf(userId: string): Promise<MyMembership[]> {
    const rows = (await this.dataSource.query(
      `SELECT m.group_id, m.role, m.muted_until,
              (SELECT max(a.version) FROM agreement_acceptances a WHERE a.group_id = m.group_id AND a.user_id = m.user_id) AS accepted_version
         FROM memberships m
        WHERE m.user_id = $1 AND m.status = 'active'
        ORDER BY m.joined_at, m.group_id`,
      [userId],
    )) as Array<{ group_id: string; role: MembershipRole; muted_until: Date | null; accepted_version: number | null }>;
    return rows.map((r) => ({
      groupId: r.group_id,
      role: r.role,
      acceptedAgreementVersion: r.accepted_version === null ? null : Number(r.accepted_version),
      mutedUntil: activeMute(r.muted_until),
    }));
  }

  /** Mutes a member until `until` (a later mute replaces an earlier one). 404 when they have no membership. */
  async mute(userId: string, groupId: string, until: Date): Promise<void> {
    assertUuid(userId, 'That member');
    assertUuid(groupId, 'That group');
    const [rows] = (await this.dataSource.query(`UPDATE memberships SET muted_until = $3 WHERE user_id = $1 AND group_id = $2 RETURNING user_id`, [
      userId,
      groupId,
      until,
    ])) as [unknown[], number];
    if (rows.length === 0) throw DomainError.notFound('That member');
    await this.changed(userId, groupId);
  }

  /** Bans someone from a group. The row stays (banned), so they cannot apply again or be re-admitted by accident. */
  async ban(userId: string, groupId: string): Promise<void> {
    assertUuid(userId, 'That member');
    assertUuid(groupId, 'That group');
    await this.dataSource.query(
      `INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'banned')
       ON CONFLICT (user_id, group_id) DO UPDATE SET status = 'banned', role = 'member'`,
      [userId, groupId],
    );
    await this.changed(userId, groupId);
  }

  /** Mutes a member in the caller's transaction (a moderator's decision); the caller publishes the change after commit. */
  async muteIn(manager: EntityManager, userId: string, groupId: string, until: Date): Promise<void> {
    const [rows] = (await manager.query(`UPDATE memberships SET muted_until = $3 WHERE user_id = $1 AND group_id = $2 RETURNING user_id`, [
      userId,
      groupId,
      until,
    ])) as [unknown[], number];
    if (rows.length === 0) throw DomainError.notFound('That member');
  }

  /** Bans someone in the caller's transaction (a moderator's decision); the caller publishes the change after commit. */
  async banIn(manager: EntityManager, userId: string, groupId: string): Promise<void> {
    await manager.query(
      `INSERT INTO memberships (user_id, group_id, role, status) VALUES ($1, $2, 'member', 'banned')
       ON CONFLICT (user_id, group_id) DO UPDATE SET status = 'banned', role = 'member'`,
      [userId, groupId],
    );
  }

  /**
   * Ends the mute given until `until`, in the caller's transaction, unless it has run out or a later
   * mute replaced it. True when it ended; the caller publishes the change after commit.
   */
  async liftMute(manager: EntityManager, userId: string, groupId: string, until: Date): Promise<boolean> {
    const [rows] = (await manager.query(
      `UPDATE memberships SET muted_until = NULL WHERE user_id = $1 AND group_id = $2 AND muted_until = $3 AND muted_until > now() RETURNING user_id`,
      [userId, groupId, until],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /**
   * Lets a banned person back into the group as a member, in the caller's transaction. True when
   * they were banned; the caller publishes the change after commit.
   */
  async liftBan(manager: EntityManager, userId: string, groupId: string): Promise<boolean> {
    const [rows] = (await manager.query(
      `UPDATE memberships SET status = 'active' WHERE user_id = $1 AND group_id = $2 AND status = 'banned' RETURNING user_id`,
      [userId, groupId],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** Tells the chat service (and anyone else) to look at this person's standing again. */
  async changed(userId: string, groupId: string): Promise<void> {
    await this.events.publish('membership.changed', { userId, groupId });
  }

  private async assertAdminOfExistingGroup(admin: AuthUser, groupId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    if (!admin.isAdmin) throw DomainError.forbidden("Only admins can appoint or remove a group's supporters.");
    const found = (await this.dataSource.query(`SELECT 1 FROM groups WHERE id = $1`, [groupId])) as unknown[];
    if (found.length === 0) throw DomainError.notFound('That group');
  }

  private async assertUserExists(userId: string): Promise<void> {
    assertUuid(userId, 'That person');
    if (!(await this.identity.findUser(userId))) throw DomainError.notFound('That person');
  }
}

function activeMute(mutedUntil: Date | null): Date | null {
  return mutedUntil && new Date(mutedUntil).getTime() > Date.now() ? new Date(mutedUntil) : null;
}
