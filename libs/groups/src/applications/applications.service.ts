import { Injectable } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { GroupsConflict } from '../groups-errors';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { coverPromise } from '../coverage/coverage';
import { checkApplication } from '../eligibility/eligibility';
import { Group } from '../group/group.entity';
import { GroupsRepository } from '../group/groups.repository';
import { assertUuid } from '../ids';
import { MembershipService } from '../membership/membership.service';
import { ParticipationService } from '../membership/participation.service';
import { ReferralCodesService } from '../referral-codes/referral-codes.service';
import { Application, ApplicationStatus } from './application.entity';
import { ApplicationsRepository } from './applications.repository';

export interface ApplicationInput {
  answers: Record<string, string>;
  declaration: boolean;
  referralCode?: string;
}

export interface ApplicationReceipt {
  id: string;
  status: 'pending' | 'approved';
  /** When a supporter will have decided it; null when a referral code approved it at once. */
  dueAt: Date | null;
  /** Plain words on what happens next, when there is something to explain. */
  message?: string;
  /**
   * While no supporter is on cover: when one is next on, in the group's time ("Supporters are not
   * on right now; your application will be read from 9:00 am tomorrow."), instead of the deadline.
   */
  reviewPromise?: string;
}

/** The signed-in person's own application to a group, as the group's page shows it to them. */
export interface MyApplicationView {
  id: string;
  groupId: string;
  status: ApplicationStatus;
  createdAt: Date;
  /** Pending: when a supporter will have decided. */
  dueAt: Date | null;
  decidedAt: Date | null;
  /** Declined: the reason the supporter gave. */
  reason: string | null;
  /** Pending, while no supporter is on cover: when one is next on, in plain words. */
  reviewPromise: string | null;
}

/** An application as the group's supporters and admins see it: the applicant's display name, never their email. */
export interface ApplicationView {
  id: string;
  groupId: string;
  applicant: { id: string; displayName: string };
  answers: Record<string, string>;
  /** Question keys whose answer differs from the group's expected answer. */
  mismatches: string[];
  declaration: boolean;
  status: ApplicationStatus;
  referral: boolean;
  createdAt: Date;
  dueAt: Date | null;
  overdue: boolean;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

export type Decision = 'approve' | 'reject';

const PENDING_CLASH = 'You already have an application to this group waiting for review. A supporter will look at it soon.';

/** Applications to join a group: eligibility, referral codes, and supporters' decisions. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly repository: ApplicationsRepository,
    private readonly groups: GroupsRepository,
    private readonly transactions: Transactions,
    private readonly identity: IdentityService,
    private readonly participation: ParticipationService,
    private readonly memberships: MembershipService,
    private readonly referralCodes: ReferralCodesService,
    private readonly notices: NoticesService,
    private readonly events: EventBus,
  ) {}

  async apply(user: AuthUser, groupId: string, input: ApplicationInput): Promise<ApplicationReceipt> {
    const group = await this.findGroup(groupId);
    const membership = await this.memberships.find(user.id, groupId);
    if (membership?.status === 'banned') throw new DomainError('BANNED', 'You have been banned from this group, so you cannot apply to it again.');
    if (membership) throw DomainError.conflict('You are already in this group.', GroupsConflict.ALREADY_MEMBER);
    if (await this.repository.hasPending(groupId, user.id)) throw DomainError.conflict(PENDING_CLASH, GroupsConflict.APPLICATION_PENDING);
    if (input.declaration !== true) {
      throw DomainError.validation([{ field: 'declaration', message: 'Please confirm the declaration: that you live with the condition this group is for.' }]);
    }

    const account = await this.identity.findUser(user.id);
    if (!account) throw new DomainError('UNAUTHENTICATED', 'Your account no longer exists.');
    const now = new Date();
    const check = checkApplication(group.eligibility, account.dateOfBirth, input.answers, now);
    if (!check.ok && check.code === 'NOT_ELIGIBLE') throw new DomainError('NOT_ELIGIBLE', check.message);
    if (!check.ok && check.code === 'VALIDATION_FAILED') throw DomainError.validation(check.errors);
    const mismatches = check.ok ? check.mismatches : [];

    let application: Application;
    try {
      application = await this.transactions.run(async (tx) => {
        // One application at a time per person and group, so two sent at once cannot both spend a code use.
        await this.repository.lockApplicant(tx, groupId, user.id);
        if (await this.memberships.find(user.id, groupId, tx)) throw DomainError.conflict('You are already in this group.', GroupsConflict.ALREADY_MEMBER);
        if (await this.repository.hasPending(groupId, user.id, tx)) {
          throw DomainError.conflict(PENDING_CLASH, GroupsConflict.APPLICATION_PENDING);
        }
        // Taken inside the transaction: if anything below fails, the use is given back.
        const referralCodeId = input.referralCode ? await this.referralCodes.claim(tx, groupId, input.referralCode) : null;
        const approved = referralCodeId !== null;
        const row = await this.repository.insert(tx, {
          groupId,
          userId: user.id,
          answers: input.answers,
          declaration: true,
          status: approved ? 'approved' : 'pending',
          mismatches,
          referralCodeId,
          dueAt: approved ? null : new Date(now.getTime() + group.moderation.reviewSlaMinutes * 60_000),
          decidedBy: null,
          decidedAt: approved ? now : null,
          decisionReason: approved ? 'Approved with a referral code.' : null,
        });
        if (approved) await this.memberships.admit(tx, user.id, groupId);
        return row;
      });
    } catch (error) {
      // Two applications sent at once: the unique index lets one through.
      if (isUniqueViolation(error)) throw DomainError.conflict(PENDING_CLASH, GroupsConflict.APPLICATION_PENDING);
      throw error;
    }

    if (application.status === 'approved') {
      await this.memberships.changed(user.id, groupId);
      return {
        id: application.id,
        status: 'approved',
        dueAt: null,
        message: `Your referral code was accepted: welcome to ${group.name}. Please read and accept the group agreement to start taking part.`,
      };
    }
    const cover = coverPromise(group.moderation.coverage, group.moderation.timezone, now, 'your application will be read');
    return {
      id: application.id,
      status: 'pending',
      dueAt: application.dueAt,
      ...(cover.message ? { reviewPromise: cover.message } : {}),
      ...(input.referralCode
        ? {
            message:
              'That referral code could not be used: it may have expired, been used up, or been mistyped. ' +
              'Your application has gone to the group’s supporters for the usual review instead.',
          }
        : {}),
    };
  }

  /**
   * GET /groups/:groupId/my-application: the caller's latest application to the group (null when
   * they have none), so the group's page can say where it stands rather than offer to apply again.
   */
  async mine(user: AuthUser, groupId: string): Promise<{ application: MyApplicationView | null }> {
    const group = await this.findGroup(groupId);
    const a = await this.repository.latestFor(groupId, user.id);
    if (!a) return { application: null };
    const pending = a.status === 'pending';
    const cover = pending ? coverPromise(group.moderation.coverage, group.moderation.timezone, new Date(), 'your application will be read') : null;
    return {
      application: {
        id: a.id,
        groupId: a.groupId,
        status: a.status,
        createdAt: a.createdAt,
        dueAt: pending ? a.dueAt : null,
        decidedAt: a.decidedAt,
        reason: a.status === 'rejected' ? a.decisionReason : null,
        reviewPromise: cover?.message ?? null,
      },
    };
  }

  /** GET /groups/:groupId/applications — for the group's supporters and admins, oldest first. */
  async list(user: AuthUser, groupId: string, status: ApplicationStatus = 'pending', page: PageQuery = {}): Promise<Page<ApplicationView>> {
    await this.participation.assertModerator(user, groupId);
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const rows = await this.repository.page(groupId, status, limit + 1, cursor ? { at: String(cursor.at), id: String(cursor.id) } : null);
    const names = await this.identity.displayNames(rows.map((r) => r.userId));
    return toPage(
      rows,
      limit,
      (a) => ({ at: a.createdAt.toISOString(), id: a.id }),
      (a) => toView(a, names.get(a.userId)),
    );
  }

  /** POST /applications/:applicationId/decision. Anyone but the group's supporters and admins gets 404. */
  async decide(user: AuthUser, applicationId: string, decision: Decision, reason: string): Promise<ApplicationView> {
    assertUuid(applicationId, 'That application');
    const found = await this.repository.find(applicationId);
    if (!found) throw DomainError.notFound('That application');
    await this.participation.assertModerator(user, found.groupId, { hideExistence: true });
    if (found.userId === user.id) throw DomainError.forbidden('Someone else needs to decide your own application.');
    const group = await this.findGroup(found.groupId);

    const { application, notice } = await this.transactions.run(async (tx) => {
      const locked = await this.repository.findForUpdate(tx, applicationId);
      if (!locked || locked.status !== 'pending') throw DomainError.conflict('This application has already been decided.', GroupsConflict.APPLICATION_DECIDED);
      locked.status = decision === 'approve' ? 'approved' : 'rejected';
      locked.decidedBy = user.id;
      locked.decidedAt = new Date();
      locked.decisionReason = reason.trim();
      await this.repository.decide(tx, applicationId, {
        status: locked.status,
        decidedBy: locked.decidedBy,
        decidedAt: locked.decidedAt,
        decisionReason: locked.decisionReason,
      });
      if (decision === 'approve') await this.memberships.admit(tx, locked.userId, locked.groupId);
      const notice: NoticeView = await this.notices.create(
        {
          userId: locked.userId,
          kind: 'application',
          groupId: locked.groupId,
          subjectId: locked.id,
          message: decisionMessage(group.name, decision, locked.decisionReason),
          appealable: false,
        },
        tx,
      );
      return { application: locked, notice };
    });

    await this.notices.announce(notice);
    if (decision === 'approve') await this.memberships.changed(application.userId, application.groupId);
    const names = await this.identity.displayNames([application.userId]);
    return toView(application, names.get(application.userId));
  }

  /**
   * Pending applications whose deadline has passed, for the deadline job, which records who has
   * been told. Latest deadline first, so a backlog of old ones never hides one that just fell due.
   */
  async pendingPastDue(now: Date, limit = 500): Promise<Array<{ id: string; groupId: string; createdAt: Date; dueAt: Date }>> {
    const rows = await this.repository.pendingPastDue(now, limit);
    return rows.map((a) => ({ id: a.id, groupId: a.groupId, createdAt: a.createdAt, dueAt: a.dueAt! }));
  }

  private async findGroup(groupId: string): Promise<Group> {
    assertUuid(groupId, 'That group');
    const group = await this.groups.find(groupId);
    // A draft takes no applications: to the public it does not exist yet.
    if (!group || !group.openedAt) throw DomainError.notFound('That group');
    return group;
  }
}

function decisionMessage(groupName: string, decision: Decision, reason: string): string {
  if (decision === 'approve') {
    return `Welcome to ${groupName}: your application was approved. Please read and accept the group agreement to start taking part. Note from the supporter: ${reason}`;
  }
  return `Your application to join ${groupName} was not approved. The reason given: ${reason} You do not have to manage alone: the group’s page lists the support contacts it recommends, and “Need help now?” at the top of every page has the crisis lines.`;
}

function toView(a: Application, displayName: string | undefined): ApplicationView {
  return {
    id: a.id,
    groupId: a.groupId,
    applicant: { id: a.userId, displayName: displayName ?? FORMER_MEMBER },
    answers: a.answers,
    mismatches: a.mismatches,
    declaration: a.declaration,
    status: a.status,
    referral: a.referralCodeId !== null,
    createdAt: a.createdAt,
    dueAt: a.dueAt,
    overdue: a.status === 'pending' && a.dueAt !== null && a.dueAt.getTime() < Date.now(),
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    decisionReason: a.decisionReason,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return (e?.driverError?.code ?? e?.code) === '23505';
}
