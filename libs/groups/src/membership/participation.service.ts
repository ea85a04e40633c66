import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { isUuid } from '../ids';
import type { MembershipRole, MembershipStatus } from './membership.entity';

export type ParticipantRole = 'member' | 'supporter' | 'admin';

/** Someone allowed to take part in a group, as the guard established it just now. */
export interface Participant {
  userId: string;
  groupId: string;
  role: ParticipantRole;
  mutedUntil: Date | null;
  /** The latest agreement version this person accepted in the group, if any. */
  acceptedVersion: number | null;
  currentVersion: number;
}

interface Standing {
  role: MembershipRole | null;
  status: MembershipStatus | null;
  mutedUntil: Date | null;
  acceptedVersion: number | null;
  currentVersion: number;
}

/**
 * The one guard for group content: every group-content endpoint and every socket event asks it,
 * so membership, bans and agreement versions are checked the same way everywhere, on every call.
 */
@Injectable()
export class ParticipationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * 404 NOT_FOUND if no such group; 403 BANNED if banned; 403 NOT_A_MEMBER without an active
   * membership (admins pass as role 'admin'); 403 AGREEMENT_REQUIRED with extra { version: current }
   * unless the current version is accepted.
   */
  async assertParticipant(user: AuthUser, groupId: string): Promise<Participant> {
    const participant = await this.assertMember(user, groupId);
    if (participant.acceptedVersion !== participant.currentVersion) {
      throw new DomainError(
        'AGREEMENT_REQUIRED',
        participant.acceptedVersion === null
          ? `Please read and accept the group agreement (version ${participant.currentVersion}) before taking part.`
          : `The group agreement has changed. Please read and accept version ${participant.currentVersion} to keep taking part.`,
        { version: participant.currentVersion },
      );
    }
    return participant;
  }

  /**
   * The same checks as assertParticipant except the agreement: for accepting the agreement itself,
   * and for reads that must tell the person what to do next.
   */
  async assertMember(user: AuthUser, groupId: string): Promise<Participant> {
    const standing = await this.standing(user.id, groupId);
    if (!standing) throw DomainError.notFound('That group');
    const base = { userId: user.id, groupId, mutedUntil: null, acceptedVersion: standing.acceptedVersion, currentVersion: standing.currentVersion };
    // Admins run the platform; a group's bans and memberships do not apply to them.
    if (user.isAdmin) return { ...base, role: 'admin' };
    if (standing.status === 'banned') throw new DomainError('BANNED', 'You have been banned from this group, so you can no longer take part in it.');
    if (standing.status !== 'active' || standing.role === null) {
      throw new DomainError('NOT_A_MEMBER', 'Only members of this group can do that. You can apply to join it from the group directory.');
    }
    return { ...base, role: standing.role, mutedUntil: standing.mutedUntil };
  }

  /**
   * Moderation endpoints need the role only (no agreement gate). `hideExistence` true → 404 for
   * non-moderators (e.g. a review item of another group); false → 403 FORBIDDEN.
   */
  async assertModerator(user: AuthUser, groupId: string, options: { hideExistence?: boolean } = {}): Promise<'supporter' | 'admin'> {
    const standing = await this.standing(user.id, groupId);
    if (!standing) throw DomainError.notFound('That group');
    if (user.isAdmin) return 'admin';
    if (standing.role === 'supporter' && standing.status === 'active') return 'supporter';
    if (options.hideExistence) throw DomainError.notFound();
    throw DomainError.forbidden("Only this group's supporters and admins can do that.");
  }

  /** Who may see a group's content at all (404-vs-403 decisions): active members, supporters, admins. */
  async canSee(user: AuthUser, groupId: string): Promise<boolean> {
    const standing = await this.standing(user.id, groupId);
    if (!standing) return false;
    return user.isAdmin || standing.status === 'active';
  }

  /** Whether the caller sees a group's moderation settings: its supporters and admins. */
  async isModerator(user: AuthUser | undefined, groupId: string): Promise<boolean> {
    if (!user) return false;
    if (user.isAdmin) return true;
    const standing = await this.standing(user.id, groupId);
    return standing?.role === 'supporter' && standing.status === 'active';
  }

  /** One round trip: the group's current version, and the person's membership and latest acceptance. Null when no such group. */
  private async standing(userId: string, groupId: string): Promise<Standing | null> {
    if (!isUuid(groupId)) return null;
    const rows = (await this.dataSource.query(
      `SELECT m.role, m.status, m.muted_until,
              (SELECT max(v.version) FROM agreement_versions v WHERE v.group_id = g.id) AS current_version,
              (SELECT max(a.version) FROM agreement_acceptances a WHERE a.group_id = g.id AND a.user_id = $2) AS accepted_version
         FROM groups g
         LEFT JOIN memberships m ON m.group_id = g.id AND m.user_id = $2
        WHERE g.id = $1`,
      [groupId, userId],
    )) as Array<{
      role: MembershipRole | null;
      status: MembershipStatus | null;
      muted_until: Date | null;
      current_version: number | null;
      accepted_version: number | null;
    }>;
    const row = rows[0];
    if (!row) return null;
    const mutedUntil = row.muted_until && new Date(row.muted_until).getTime() > Date.now() ? new Date(row.muted_until) : null;
    return {
      role: row.role,
      status: row.status,
      mutedUntil,
      acceptedVersion: row.accepted_version === null ? null : Number(row.accepted_version),
      currentVersion: Number(row.current_version ?? 0),
    };
  }
}
