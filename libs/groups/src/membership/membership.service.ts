import { Injectable, Optional } from '@nestjs/common';
import { ReplicaReads, Transactions, type Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService, normaliseDisplayName } from '@kindred/identity';
import { GroupsRepository } from '../group/groups.repository';
import { assertUuid } from '../ids';
import { Membership, MembershipRole, MembershipStatus } from './membership.entity';
import { MembershipsRepository } from './memberships.repository';
import { ParticipationService } from './participation.service';
import { GroupsConflict } from '../groups-errors';
import { ConfigurationTrail } from '../configuration-trail';

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

/** Who is in which group, in what role: supporters, mutes, bans. Every change publishes `membership.changed`. */
/** A members list's search: part of a display name, a role, a standing. */
export interface MemberSearch {
  q?: string;
  role?: 'member' | 'supporter';
  standing?: 'active' | 'muted' | 'banned';
}

/** Someone the composer suggests after an `@`. */
export interface Mentionable {
  id: string;
  displayName: string;
}

/** How many people the composer suggests at once. */
export const MENTIONABLE_MAX = 8;

/** A name search looks among at most this many people with a matching name. */
const NAME_SEARCH_MAX = 1000;

@Injectable()
export class MembershipService {
  constructor(
    private readonly repository: MembershipsRepository,
    private readonly groups: GroupsRepository,
    private readonly participation: ParticipationService,
    private readonly identity: IdentityService,
    private readonly events: EventBus,
    private readonly transactions: Transactions,
    private readonly trail: ConfigurationTrail,
    @Optional() private readonly reads?: ReplicaReads,
  ) {}

  /** Makes an approved applicant a member, inside the caller's transaction. The caller publishes the change after commit. */
  async admit(tx: Tx, userId: string, groupId: string): Promise<void> {
    await this.repository.admit(tx, userId, groupId);
  }

  /** The person's membership or ban in a group, if any. */
  async find(userId: string, groupId: string, tx?: Tx): Promise<Membership | null> {
    return this.repository.find(userId, groupId, tx);
  }

  /** PUT /groups/:groupId/supporters/:userId — makes the person a supporter, creating the membership if needed. */
  async appointSupporter(admin: AuthUser, groupId: string, userId: string): Promise<void> {
    await this.assertAdminOfExistingGroup(admin, groupId);
    await this.assertUserExists(userId);
    // Anyone with an account, member of the group or not: no application is needed to be appointed.
    await this.transactions.run(async (tx) => {
      const before = await this.repository.find(userId, groupId, tx);
      if (!(await this.repository.appointSupporter(userId, groupId, tx))) {
        throw DomainError.conflict('That person is banned from this group, so they cannot be one of its supporters.', GroupsConflict.SUPPORTER_BANNED);
      }
      await this.trail.record(tx, {
        actorId: admin.id,
        groupId,
        action: 'supporter.appoint',
        subjectType: 'user',
        subjectId: userId,
        before: { role: before?.status === 'active' ? before.role : null },
        after: { role: 'supporter' },
      });
    });
    await this.changed(userId, groupId);
  }

  /** POST /groups/:groupId/supporters — appoints the verified account with this address; 404 when there is none. */
  async appointSupporterByEmail(admin: AuthUser, groupId: string, email: string): Promise<{ userId: string }> {
    await this.assertAdminOfExistingGroup(admin, groupId);
    const userId = await this.identity.verifiedUserIdByEmail(email);
    if (!userId) throw DomainError.notFound('An account with that address');
    await this.appointSupporter(admin, groupId, userId);
    return { userId };
  }

  /** DELETE /groups/:groupId/supporters/:userId — the person stays in the group as a member. */
  async removeSupporter(admin: AuthUser, groupId: string, userId: string): Promise<void> {
    await this.assertAdminOfExistingGroup(admin, groupId);
    assertUuid(userId, 'That supporter');
    await this.transactions.run(async (tx) => {
      if (!(await this.repository.removeSupporter(userId, groupId, tx))) throw DomainError.notFound('That supporter');
      await this.trail.record(tx, {
        actorId: admin.id,
        groupId,
        action: 'supporter.remove',
        subjectType: 'user',
        subjectId: userId,
        before: { role: 'supporter' },
        after: { role: 'member' },
      });
    });
    await this.changed(userId, groupId);
  }

  /** GET /groups/:groupId/members — for the group's supporters and admins, in the order people joined. */
  async list(user: AuthUser, groupId: string, page: PageQuery = {}, filter: MemberSearch = {}): Promise<Page<MemberView>> {
    await this.participation.assertModerator(user, groupId);
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const text = filter.q?.trim();
    // A name search asks identity who goes by that name, then narrows the group's list to them.
    const userIds = text ? await this.identity.idsNamedLike(text, NAME_SEARCH_MAX) : undefined;
    if (userIds && userIds.length === 0) return { items: [], nextCursor: null };
    const rows = await this.repository.page(groupId, limit + 1, cursor ? { at: String(cursor.at), id: String(cursor.id) } : null, {
      role: filter.role,
      standing: filter.standing,
      userIds,
    });
    const names = await this.identity.displayNames(rows.map((r) => r.userId));
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.joinedAt.toISOString(), id: r.userId }),
      (r) => ({
        userId: r.userId,
        displayName: names.get(r.userId) ?? FORMER_MEMBER,
        role: r.role,
        status: r.status,
        joinedAt: r.joinedAt,
        acceptedAgreementVersion: r.acceptedVersion,
        mutedUntil: activeMute(r.mutedUntil),
      }),
    );
  }

  /**
   * DELETE /groups/:groupId/membership: the caller leaves the group. Their membership ends at once
   * (open chat sockets leave the room, `membership.changed`); what they wrote stays, under their
   * name, as it was. A ban is not a membership to leave (404). The group's last supporter cannot
   * leave (409) until an admin appoints another or takes the role away: the group would be left
   * without anyone to review what is held.
   */
  async leave(user: AuthUser, groupId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    await this.transactions.run(async (tx) => {
      const membership = await this.repository.find(user.id, groupId, tx);
      if (!membership || membership.status !== 'active') throw new DomainError('NOT_FOUND', 'You are not a member of that group.');
      // A way back in (an application with the group's code) must not be a way out of a mute.
      const mute = activeMute(membership.mutedUntil);
      if (mute) {
        throw new DomainError('MUTED', 'You can leave this group once your mute ends. Until then you can still read, and you can turn off its notifications.', {
          until: mute.toISOString(),
        });
      }
      if (membership.role === 'supporter') {
        const supporters = await this.repository.lockSupporters(tx, groupId);
        if (supporters.length <= 1 && supporters.includes(user.id)) {
          throw DomainError.conflict(
            'You are this group’s only supporter, so leaving would leave nobody to look after it. Please ask an admin to appoint another supporter first.',
            GroupsConflict.LAST_SUPPORTER,
          );
        }
      }
      if (!(await this.repository.leave(tx, user.id, groupId))) throw new DomainError('NOT_FOUND', 'You are not a member of that group.');
    });
    await this.changed(user.id, groupId);
  }

  /**
   * GET /users/:userId/profile: a person's name and "about me", for someone who shares a group with
   * them (or the person themselves, or an admin). Anyone else gets 404, as for no such person.
   */
  async profileOf(viewer: AuthUser, userId: string): Promise<{ id: string; displayName: string; aboutMe: string | null }> {
    assertUuid(userId, 'That person');
    const allowed = viewer.id === userId || viewer.isAdmin || (await this.repository.shareAGroup(viewer.id, userId));
    const profile = allowed ? await this.identity.publicProfile(userId) : null;
    if (!profile) throw DomainError.notFound('That person');
    return profile;
  }

  /**
   * GET /groups/:groupId/members/mentionable — for the composer's @ suggestions: up to
   * MENTIONABLE_MAX people taking part in this group (members and supporters, not banned), whose
   * display name starts with `prefix` in any case, by name, never the caller. Only the group's
   * participants may ask, and only its own members are ever suggested.
   */
  async mentionable(user: AuthUser, groupId: string, prefix = ''): Promise<{ items: Mentionable[] }> {
    await this.participation.assertParticipant(user, groupId);
    const rows = await this.repository.namedStartingWith(groupId, normaliseDisplayName(prefix), user.id, MENTIONABLE_MAX);
    return { items: rows.map((r) => ({ id: r.userId, displayName: r.displayName })) };
  }

  /** Those of the people who take part in the group (members and supporters, not banned): who an @mention there may reach. */
  activeAmong(groupId: string, userIds: string[], tx?: Tx): Promise<string[]> {
    return this.repository.activeAmong(groupId, userIds, tx);
  }

  /** The caller's active memberships, for GET /me. */
  async membershipsOf(userId: string): Promise<MyMembership[]> {
    const rows = await this.repository.activeOf(userId);
    return rows.map((r) => ({ groupId: r.groupId, role: r.role, acceptedAgreementVersion: r.acceptedVersion, mutedUntil: activeMute(r.mutedUntil) }));
  }

  /** Mutes a member until `until` (a later mute replaces an earlier one). 404 when they have no membership. */
  async mute(userId: string, groupId: string, until: Date): Promise<void> {
    assertUuid(userId, 'That member');
    assertUuid(groupId, 'That group');
    if (!(await this.repository.mute(userId, groupId, until))) throw DomainError.notFound('That member');
    await this.changed(userId, groupId);
  }

  /** Bans someone from a group. The row stays (banned), so they cannot apply again or be re-admitted by accident. */
  async ban(userId: string, groupId: string): Promise<void> {
    assertUuid(userId, 'That member');
    assertUuid(groupId, 'That group');
    await this.repository.ban(userId, groupId);
    await this.changed(userId, groupId);
  }

  /** Mutes a member in the caller's transaction (a moderator's decision); the caller publishes the change after commit. */
  async muteIn(tx: Tx, userId: string, groupId: string, until: Date): Promise<void> {
    if (!(await this.repository.mute(userId, groupId, until, tx))) throw DomainError.notFound('That member');
  }

  /** Bans someone in the caller's transaction (a moderator's decision); the caller publishes the change after commit. */
  async banIn(tx: Tx, userId: string, groupId: string): Promise<void> {
    await this.repository.ban(userId, groupId, tx);
  }

  /**
   * Ends the mute given until `until`, in the caller's transaction, unless it has run out or a later
   * mute replaced it. True when it ended; the caller publishes the change after commit.
   */
  liftMute(tx: Tx, userId: string, groupId: string, until: Date): Promise<boolean> {
    return this.repository.liftMute(tx, userId, groupId, until);
  }

  /**
   * Lets a banned person back into the group as a member, in the caller's transaction. True when
   * they were banned; the caller publishes the change after commit.
   */
  liftBan(tx: Tx, userId: string, groupId: string): Promise<boolean> {
    return this.repository.liftBan(tx, userId, groupId);
  }

  /** Tells the chat service (and anyone else) to look at this person's standing again. */
  async changed(userId: string, groupId: string): Promise<void> {
    // Their next pages must see the change (admitted, muted, banned): the primary serves them until a replica has it.
    await this.reads?.markFresh(userId);
    await this.events.publish('membership.changed', { userId, groupId });
  }

  private async assertAdminOfExistingGroup(admin: AuthUser, groupId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    if (!admin.isAdmin) throw DomainError.forbidden("Only admins can appoint or remove a group's supporters.");
    if (!(await this.groups.exists(groupId))) throw DomainError.notFound('That group');
  }

  private async assertUserExists(userId: string): Promise<void> {
    assertUuid(userId, 'That person');
    if (!(await this.identity.findUser(userId))) throw DomainError.notFound('That person');
  }
}

function activeMute(mutedUntil: Date | null): Date | null {
  return mutedUntil && new Date(mutedUntil).getTime() > Date.now() ? new Date(mutedUntil) : null;
}
