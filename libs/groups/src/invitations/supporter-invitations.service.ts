import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions } from '@kindred/database';
import { DomainError } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { MailService } from '@kindred/mail';
import { ConfigurationTrail } from '../configuration-trail';
import { GroupsRepository } from '../group/groups.repository';
import { GroupsConflict } from '../groups-errors';
import { assertUuid } from '../ids';
import { MembershipService } from '../membership/membership.service';
import { MembershipsRepository } from '../membership/memberships.repository';
import { SupporterInvitation, SupporterInvitationsRepository } from './supporter-invitations.repository';

/** How long an invitation's link works. */
export const INVITATION_DAYS = 7;
const DAY_MS = 24 * 3600_000;
const LIST_LIMIT = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** An invitation as the group's admins see it. */
export interface SupporterInvitationView {
  id: string;
  /** The address it was sent to; null once accepted (the account then has it). */
  email: string | null;
  status: InvitationStatus;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  /** Who accepted it, by display name. */
  acceptedBy: { id: string; displayName: string } | null;
}

export function invitationTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Supporters appointed by email invitation, for someone who has no Kindred account yet. The mail
 * says only that a peer-support community on Kindred invites them to volunteer (never the group's
 * name or condition) and carries a single-use link that runs out after a week. Whoever accepts it,
 * signed in with a verified account at that address, becomes a supporter of that group only.
 * Sending, revoking and accepting go into the audit log.
 */
@Injectable()
export class SupporterInvitationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly transactions: Transactions,
    private readonly invitations: SupporterInvitationsRepository,
    private readonly groups: GroupsRepository,
    private readonly memberships: MembershipService,
    private readonly membershipRows: MembershipsRepository,
    private readonly identity: IdentityService,
    private readonly mail: MailService,
    private readonly trail: ConfigurationTrail,
  ) {}

  /** POST /groups/:groupId/supporter-invitations — mails a single-use link to the address. */
  async invite(admin: AuthUser, groupId: string, email: string): Promise<SupporterInvitationView> {
    await this.assertAdmin(admin, groupId);
    const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
    if (!EMAIL.test(address) || address.length > 254) {
      throw DomainError.validation([{ field: 'email', message: 'Enter an email address, like name@example.org.' }]);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * DAY_MS);
    const invitation = await this.transactions.run(async (tx) => {
      const row = await this.invitations.insert(tx, { groupId, email: address, tokenHash: invitationTokenHash(token), invitedBy: admin.id, expiresAt });
      // The audit log names the invitation, not the address.
      await this.trail.record(tx, {
        actorId: admin.id,
        groupId,
        action: 'supporter.invite',
        subjectType: 'supporter-invitation',
        subjectId: row.id,
        before: null,
        after: { status: 'pending', validForDays: INVITATION_DAYS },
      });
      return row;
    });
    const accept = `${this.config.publicUrl}/supporter-invitation?token=${encodeURIComponent(token)}`;
    await this.mail.send(address, { template: 'supporter-invitation', links: { accept } }, `invitation-${invitation.id}`);
    return (await this.views([invitation]))[0]!;
  }

  /** GET /groups/:groupId/supporter-invitations — newest first. */
  async list(admin: AuthUser, groupId: string): Promise<{ items: SupporterInvitationView[] }> {
    await this.assertAdmin(admin, groupId);
    return { items: await this.views(await this.invitations.list(groupId, LIST_LIMIT)) };
  }

  /** DELETE /groups/:groupId/supporter-invitations/:invitationId — its link stops working. */
  async revoke(admin: AuthUser, groupId: string, invitationId: string): Promise<void> {
    await this.assertAdmin(admin, groupId);
    assertUuid(invitationId, 'That invitation');
    await this.transactions.run(async (tx) => {
      const revoked = await this.invitations.revoke(tx, groupId, invitationId);
      if (!revoked) {
        const found = await this.invitations.find(groupId, invitationId);
        if (!found) throw DomainError.notFound('That invitation');
        throw DomainError.conflict(found.acceptedAt ? 'That invitation has already been accepted.' : 'That invitation was already revoked.');
      }
      await this.trail.record(tx, {
        actorId: admin.id,
        groupId,
        action: 'supporter.invitation-revoke',
        subjectType: 'supporter-invitation',
        subjectId: invitationId,
        before: { status: 'pending' },
        after: { status: 'revoked' },
      });
    });
  }

  /**
   * POST /supporter-invitations/accept — the signed-in person, whose verified address the
   * invitation was sent to, becomes a supporter of its group (a member too, without applying).
   * A token works once, until it runs out or is revoked.
   */
  async accept(user: AuthUser, token: string): Promise<{ groupId: string }> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw DomainError.notFound('That invitation');
    const groupId = await this.transactions.run(async (tx) => {
      const invitation = await this.invitations.lockByTokenHash(tx, invitationTokenHash(token));
      if (!invitation) throw DomainError.notFound('That invitation');
      if (invitation.acceptedAt)
        throw DomainError.conflict('This invitation has already been used. Ask the group’s admin for a new one if you need it.', 'INVITATION_USED');
      if (invitation.revokedAt) throw DomainError.conflict('This invitation was withdrawn by the group’s admin.', 'INVITATION_REVOKED');
      if (invitation.expiresAt.getTime() <= Date.now()) {
        throw DomainError.conflict('This invitation has run out. Ask the group’s admin to send a new one.', 'INVITATION_EXPIRED');
      }
      if ((await this.identity.verifiedUserIdByEmail(invitation.email)) !== user.id) {
        throw DomainError.forbidden(
          'This invitation was sent to another email address. Sign in with the account for that address (confirmed from its mail) to accept it.',
        );
      }
      const before = await this.membershipRows.find(user.id, invitation.groupId, tx);
      if (!(await this.membershipRows.appointSupporter(user.id, invitation.groupId, tx))) {
        throw DomainError.conflict('You are banned from this group, so you cannot be one of its supporters.', GroupsConflict.SUPPORTER_BANNED);
      }
      await this.invitations.markAccepted(tx, invitation.id, user.id);
      await this.trail.record(tx, {
        actorId: user.id,
        groupId: invitation.groupId,
        action: 'supporter.invitation-accept',
        subjectType: 'supporter-invitation',
        subjectId: invitation.id,
        before: { status: 'pending', role: before?.status === 'active' ? before.role : null },
        after: { status: 'accepted', role: 'supporter' },
      });
      return invitation.groupId;
    });
    await this.memberships.changed(user.id, groupId);
    return { groupId };
  }

  private async views(rows: SupporterInvitation[]): Promise<SupporterInvitationView[]> {
    const names = await this.identity.displayNames(rows.map((r) => r.acceptedBy).filter((id): id is string => id !== null));
    const now = Date.now();
    return rows.map((r): SupporterInvitationView => ({
      id: r.id,
      email: r.acceptedAt ? null : r.email,
      status: r.acceptedAt ? 'accepted' : r.revokedAt ? 'revoked' : r.expiresAt.getTime() <= now ? 'expired' : 'pending',
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      acceptedAt: r.acceptedAt,
      acceptedBy: r.acceptedBy ? { id: r.acceptedBy, displayName: names.get(r.acceptedBy) ?? 'Former member' } : null,
    }));
  }

  private async assertAdmin(admin: AuthUser, groupId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    if (!admin.isAdmin) throw DomainError.forbidden('Only admins can invite supporters.');
    if (!(await this.groups.exists(groupId))) throw DomainError.notFound('That group');
  }
}
