import type { EventBus } from '@kindred/events';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { NoticesService, NoticeView, NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { SignpostingService } from '@kindred/signposting';
import { AgreementsService } from './agreements/agreements.service';
import { DEFAULT_AGREEMENT } from './agreements/agreement-template';
import { ApplicationsService } from './applications/applications.service';
import { DEFAULT_MODERATION } from './group/moderation-settings';
import { GroupsService } from './group/groups.service';
import type { Group } from './group/group.entity';
import {
  FakeAgreementsRepository,
  FakeApplicationsRepository,
  FakeConfigurationTrail,
  FakeGroupsRepository,
  FakeMembershipsRepository,
  FakeReferralCodesRepository,
  fakeTransactions,
  GroupsStore,
  standIn,
} from './groups.fakes';
import type { AgreementsRepository } from './agreements/agreements.repository';
import type { ApplicationsRepository } from './applications/applications.repository';
import type { GroupsRepository } from './group/groups.repository';
import type { MembershipsRepository } from './membership/memberships.repository';
import type { ReferralCodesRepository } from './referral-codes/referral-codes.repository';
import { MembershipService } from './membership/membership.service';
import { ParticipationService } from './membership/participation.service';
import { ReferralCodesService } from './referral-codes/referral-codes.service';
import type { ConfigurationTrail } from './configuration-trail';

export const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });

/** Every groups service wired to in-memory repositories, with what they published and noticed. */
export function groupsContext() {
  const notified: NotificationEvent[] = [];
  const store = new GroupsStore();
  const published: Array<{ name: string; payload: unknown }> = [];
  const notices: NoticeView[] = [];
  const events = { publish: async (name: string, payload: unknown) => void published.push({ name, payload }) } as unknown as EventBus;
  const dateOfBirth = new Map<string, string>();
  const identity = {
    findUser: async (id: string) => (dateOfBirth.has(id) ? { id, dateOfBirth: dateOfBirth.get(id) } : null),
    displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])),
    adminIds: async () => [],
  } as unknown as IdentityService;
  const noticesService = {
    create: async (input: Record<string, unknown>) => {
      const notice = { ...input, id: `n${notices.length + 1}` } as unknown as NoticeView;
      notices.push(notice);
      return notice;
    },
    announce: async () => undefined,
  } as unknown as NoticesService;
  const signposting = { seedDefaults: async () => undefined } as unknown as SignpostingService;

  const trailFake = new FakeConfigurationTrail();
  const trail = trailFake as unknown as ConfigurationTrail;
  const groupsRepo = standIn<GroupsRepository>(new FakeGroupsRepository(store));
  const membershipsRepo = standIn<MembershipsRepository>(new FakeMembershipsRepository(store));
  const participation = new ParticipationService(membershipsRepo);
  const agreements = new AgreementsService(
    standIn<AgreementsRepository>(new FakeAgreementsRepository(store)),
    groupsRepo,
    fakeTransactions,
    participation,
    events,
    membershipsRepo,
    { notify: async (event: NotificationEvent) => void notified.push(event) } as unknown as NotificationsService,
    trail,
  );
  const memberships = new MembershipService(membershipsRepo, groupsRepo, participation, identity, events, fakeTransactions, trail);
  const referralCodes = new ReferralCodesService(standIn<ReferralCodesRepository>(new FakeReferralCodesRepository(store)), groupsRepo, fakeTransactions, trail);
  const applications = new ApplicationsService(
    standIn<ApplicationsRepository>(new FakeApplicationsRepository(store)),
    groupsRepo,
    fakeTransactions,
    identity,
    participation,
    memberships,
    referralCodes,
    noticesService,
    events,
  );
  const groups = new GroupsService(groupsRepo, membershipsRepo, fakeTransactions, agreements, participation, signposting, identity, trail);

  /** A group with version 1 of the template agreement. */
  function group(overrides: Partial<Group> = {}): Group {
    const id = overrides.id ?? `00000000-0000-4000-8000-${String(store.groups.size + 1).padStart(12, '0')}`;
    const row = {
      id,
      slug: `g-${store.groups.size + 1}`,
      name: 'Living with Lupus',
      description: 'd',
      condition: 'lupus',
      eligibility: { minAge: 18, questions: [] },
      moderation: { ...DEFAULT_MODERATION },
      slowModeSeconds: 0,
      chatRetentionDays: 90,
      openedAt: new Date(),
      createdAt: new Date(),
      updatedAt: new Date(),
      ...overrides,
    } as Group;
    store.groups.set(id, row);
    store.versions.push({ groupId: id, version: 1, clauses: DEFAULT_AGREEMENT.map((c) => ({ ...c })), publishedAt: new Date(), publishedBy: null });
    return row;
  }

  return {
    store,
    published,
    notices,
    notified,
    dateOfBirth,
    participation,
    agreements,
    memberships,
    referralCodes,
    applications,
    groups,
    group,
    trail: trailFake,
  };
}

/** The error a promise rejects with (undefined when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; extra?: Record<string, unknown> } | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => e as { code?: string },
  );
}
