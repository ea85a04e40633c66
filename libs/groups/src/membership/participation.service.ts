import { Injectable } from '@nestjs/common';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { isUuid } from '../ids';
import type { ModerationSettings } from '../group/moderation-settings';
import type { MembershipRole, MembershipStatus } from './membership.entity';
import { MembershipsRepository, StandingColumns } from './memberships.repository';
import { bannedError, type Sanction } from './sanctions';

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

export type { StandingColumns } from './memberships.repository';

/** What a member's write must also pass beyond their standing: the group's cover and slow mode. */
export interface WriteRules {
  moderation: ModerationSettings;
  slowModeSeconds: number;
}

/** The group's write rules from a row read with `member_standing` and its write-rule columns; null when the group does not exist. */
export function writeRulesFrom(row: StandingColumns): WriteRules | null {
  if (!row.standing_group_id || !row.standing_moderation) return null;
  return { moderation: row.standing_moderation, slowModeSeconds: Number(row.standing_slow_mode_seconds ?? 0) };
}

function toStanding(row: StandingColumns): Standing | null {
  if (!row.standing_group_id) return null;
  const mutedUntil = row.standing_muted_until && new Date(row.standing_muted_until).getTime() > Date.now() ? new Date(row.standing_muted_until) : null;
  return {
    role: row.standing_role,
    status: row.standing_status,
    mutedUntil,
    acceptedVersion: row.standing_accepted_version === null ? null : Number(row.standing_accepted_version),
    currentVersion: Number(row.standing_current_version ?? 0),
  };
}

/**
 * The one guard for group content: every group-content endpoint and every socket event asks it,
 * so membership, bans and agreement versions are checked the same way everywhere, on every call.
 */
@Injectable()
export class ParticipationService {
  constructor(private readonly memberships: MembershipsRepository) {}

  /**
   * 404 NOT_FOUND if no such group; 403 BANNED if banned; 403 NOT_A_MEMBER without an active
   * membership (admins pass as role 'admin'); 403 AGREEMENT_REQUIRED with extra { version: current }
   * unless the current version is accepted.
   */
  async assertParticipant(user: AuthUser, groupId: string): Promise<Participant> {
    return this.judgeParticipant(await this.assertMember(user, groupId));
  }

  private judgeParticipant(participant: Participant): Participant {
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
    return this.judgeMember(user, groupId, await this.standing(user.id, groupId));
  }

  private judgeMember(user: AuthUser, groupId: string, standing: Standing | null): Participant {
    if (!standing) throw DomainError.notFound('That group');
    const base = { userId: user.id, groupId, mutedUntil: null, acceptedVersion: standing.acceptedVersion, currentVersion: standing.currentVersion };
    // Admins run the platform; a group's bans and memberships do not apply to them.
    if (user.isAdmin) return { ...base, role: 'admin' };
    if (standing.status === 'banned') throw bannedError();
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

  /**
   * assertParticipant over a standing read by the caller's own query (joined to `member_standing`), for a
   * caller that reads its subject and the standing in one round trip. Same answers and errors.
   */
  participantFrom(user: AuthUser, groupId: string, row: StandingColumns): Participant {
    return this.judgeParticipant(this.judgeMember(user, groupId, toStanding(row)));
  }

  /** The mute or ban the person is under in the group, if any (for what stays open to them, such as appealing it). */
  async sanction(userId: string, groupId: string): Promise<Sanction | null> {
    const standing = await this.standing(userId, groupId);
    if (standing?.status === 'banned') return { kind: 'ban' };
    if (standing?.mutedUntil) return { kind: 'mute', until: standing.mutedUntil };
    return null;
  }

  /** One round trip: the group's current version, and the person's membership and latest acceptance. Null when no such group. */
  private async standing(userId: string, groupId: string): Promise<Standing | null> {
    if (!isUuid(groupId)) return null;
    const row = await this.memberships.standing(groupId, userId);
    return row ? toStanding(row) : null;
  }
}
