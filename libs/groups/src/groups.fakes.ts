import { randomUUID } from 'node:crypto';
import type { ConfigurationChange } from './configuration-trail';
import type { Transactions, Tx } from '@kindred/database';
import type { AgreementsRepository, NewAgreementVersion } from './agreements/agreements.repository';
import type { AgreementVersion } from './agreements/agreement-version.entity';
import type { Application, ApplicationStatus } from './applications/application.entity';
import type { ApplicationDecision, ApplicationsRepository, NewApplication } from './applications/applications.repository';
import type { Group } from './group/group.entity';
import type { GroupsRepository, NewGroup } from './group/groups.repository';
import type { Membership } from './membership/membership.entity';
import type { MembershipRecord, MembershipsRepository, StandingColumns } from './membership/memberships.repository';
import type { ReferralCode } from './referral-codes/referral-code.entity';
import type { NewReferralCode, ReferralCodesRepository } from './referral-codes/referral-codes.repository';

/**
 * The groups context's repositories kept in memory, for the fast tier: each fake follows its
 * repository's public interface, so a service's rules are tested without PostgreSQL.
 */
export class GroupsStore {
  groups = new Map<string, Group>();
  memberships: Membership[] = [];
  versions: AgreementVersion[] = [];
  acceptances: Array<{ userId: string; groupId: string; version: number; acceptedAt: Date }> = [];
  applications: Application[] = [];
  codes: ReferralCode[] = [];

  membership(userId: string, groupId: string): Membership | undefined {
    return this.memberships.find((m) => m.userId === userId && m.groupId === groupId);
  }

  acceptedVersion(userId: string, groupId: string): number | null {
    const versions = this.acceptances.filter((a) => a.userId === userId && a.groupId === groupId).map((a) => a.version);
    return versions.length ? Math.max(...versions) : null;
  }

  currentVersion(groupId: string): number | null {
    const versions = this.versions.filter((v) => v.groupId === groupId).map((v) => v.version);
    return versions.length ? Math.max(...versions) : null;
  }
}

type Port<T> = { [K in keyof T]: T[K] };

/** A fake in the place of the repository it follows (TypeScript compares classes with private fields by name). */
export function standIn<T>(fake: Port<T>): T {
  return fake as T;
}

/** Runs the work with a stand-in transaction: the fakes ignore it (they have no rollback). */
export const fakeTransactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx) } as unknown as Transactions;

export class FakeGroupsRepository implements Port<GroupsRepository> {
  constructor(private readonly store: GroupsStore) {}
  async find(id: string) {
    return this.store.groups.get(id) ?? null;
  }
  async exists(id: string) {
    return this.store.groups.has(id);
  }
  async slugTaken(slug: string) {
    return [...this.store.groups.values()].some((g) => g.slug === slug);
  }
  async names(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.store.groups.has(id) ? [[id, this.store.groups.get(id)!.name] as [string, string]] : [])));
  }
  async page(limit: number, after: { name: string; id: string } | null) {
    return [...this.store.groups.values()]
      .filter((g) => g.openedAt !== null)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .filter((g) => !after || g.name > after.name || (g.name === after.name && g.id > after.id))
      .slice(0, limit);
  }
  async insert(_tx: Tx, values: NewGroup) {
    const row = { ...values, id: randomUUID(), createdAt: new Date(), updatedAt: new Date() } as Group;
    this.store.groups.set(row.id, row);
    return row;
  }
  async update(id: string, changes: Partial<NewGroup>) {
    const group = this.store.groups.get(id);
    if (group) Object.assign(group, changes, { updatedAt: new Date() });
  }
  async findForUpdate(_tx: Tx, id: string) {
    const group = this.store.groups.get(id);
    return group ? { ...group } : null;
  }
  async lock(_tx: Tx, id: string) {
    return this.store.groups.has(id);
  }
}

export class FakeMembershipsRepository implements Port<MembershipsRepository> {
  constructor(private readonly store: GroupsStore) {}
  async exportFor(userId: string) {
    return this.store.memberships.filter((m) => m.userId === userId);
  }
  async eraseFor(_tx: Tx, userId: string) {
    this.store.memberships = this.store.memberships.filter((m) => m.userId !== userId);
  }
  async admit(_tx: Tx, userId: string, groupId: string) {
    if (!this.store.membership(userId, groupId)) this.put(userId, groupId, 'member', 'active');
  }
  async lockSupporters(_tx: Tx, groupId: string) {
    return this.store.memberships.filter((m) => m.groupId === groupId && m.role === 'supporter' && m.status === 'active').map((m) => m.userId);
  }
  async leave(_tx: Tx, userId: string, groupId: string) {
    const before = this.store.memberships.length;
    this.store.memberships = this.store.memberships.filter((m) => !(m.userId === userId && m.groupId === groupId && m.status === 'active'));
    return this.store.memberships.length < before;
  }
  async shareAGroup(userId: string, otherId: string) {
    const mine = new Set(this.store.memberships.filter((m) => m.userId === userId && m.status === 'active').map((m) => m.groupId));
    return this.store.memberships.some((m) => m.userId === otherId && m.status === 'active' && mine.has(m.groupId));
  }
  async find(userId: string, groupId: string) {
    return this.store.membership(userId, groupId) ?? null;
  }
  async appointSupporter(userId: string, groupId: string) {
    const m = this.store.membership(userId, groupId);
    if (!m) this.put(userId, groupId, 'supporter', 'active');
    else if (m.status === 'active') m.role = 'supporter';
    else return false;
    return true;
  }
  async removeSupporter(userId: string, groupId: string) {
    const m = this.store.membership(userId, groupId);
    if (m?.role !== 'supporter') return false;
    m.role = 'member';
    return true;
  }
  async page(groupId: string, limit: number, after: { at: string; id: string } | null) {
    return this.store.memberships
      .filter((m) => m.groupId === groupId)
      .filter((m) => !after || m.joinedAt.toISOString() > after.at || (m.joinedAt.toISOString() === after.at && m.userId > after.id))
      .slice(0, limit)
      .map((m) => this.record(m));
  }
  async activeOf(userId: string) {
    return this.store.memberships.filter((m) => m.userId === userId && m.status === 'active').map((m) => this.record(m));
  }
  async mute(userId: string, groupId: string, until: Date) {
    const m = this.store.membership(userId, groupId);
    if (!m) return false;
    m.mutedUntil = until;
    return true;
  }
  async ban(userId: string, groupId: string) {
    const m = this.store.membership(userId, groupId) ?? this.put(userId, groupId, 'member', 'banned');
    Object.assign(m, { status: 'banned', role: 'member' });
  }
  async liftMute(_tx: Tx, userId: string, groupId: string, until: Date) {
    const m = this.store.membership(userId, groupId);
    if (!m?.mutedUntil || m.mutedUntil.getTime() !== until.getTime() || until.getTime() <= Date.now()) return false;
    m.mutedUntil = null;
    return true;
  }
  async liftBan(_tx: Tx, userId: string, groupId: string) {
    const m = this.store.membership(userId, groupId);
    if (m?.status !== 'banned') return false;
    m.status = 'active';
    return true;
  }
  async activeMemberIds(groupId: string) {
    return this.store.memberships.filter((m) => m.groupId === groupId && m.status === 'active').map((m) => m.userId);
  }
  async activeAmong(groupId: string, userIds: string[]) {
    return this.store.memberships.filter((m) => m.groupId === groupId && m.status === 'active' && userIds.includes(m.userId)).map((m) => m.userId);
  }
  /** The store keeps no names: the user id stands in for one. */
  async namedStartingWith(groupId: string, prefix: string, exceptUserId: string, limit: number) {
    return this.store.memberships
      .filter((m) => m.groupId === groupId && m.status === 'active' && m.userId !== exceptUserId && m.userId.toLowerCase().startsWith(prefix))
      .map((m) => ({ userId: m.userId, displayName: m.userId }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .slice(0, limit);
  }
  async supporterIds(groupId: string) {
    return this.store.memberships.filter((m) => m.groupId === groupId && m.role === 'supporter' && m.status === 'active').map((m) => m.userId);
  }
  async standing(groupId: string, userId: string): Promise<StandingColumns | null> {
    if (!this.store.groups.has(groupId)) return null;
    const m = this.store.membership(userId, groupId);
    return {
      standing_group_id: groupId,
      standing_role: m?.role ?? null,
      standing_status: m?.status ?? null,
      standing_muted_until: m?.mutedUntil ?? null,
      standing_current_version: this.store.currentVersion(groupId),
      standing_accepted_version: this.store.acceptedVersion(userId, groupId),
    };
  }

  private put(userId: string, groupId: string, role: Membership['role'], status: Membership['status']): Membership {
    const m = { userId, groupId, role, status, mutedUntil: null, joinedAt: new Date() } as Membership;
    this.store.memberships.push(m);
    return m;
  }

  private record(m: Membership): MembershipRecord {
    return { ...m, acceptedVersion: this.store.acceptedVersion(m.userId, m.groupId) };
  }
}

export class FakeAgreementsRepository implements Port<AgreementsRepository> {
  constructor(private readonly store: GroupsStore) {}
  async acceptancesOf(userId: string) {
    return this.store.acceptances.filter((a) => a.userId === userId);
  }
  async eraseAcceptancesOf(_tx: Tx, userId: string) {
    this.store.acceptances = this.store.acceptances.filter((a) => a.userId !== userId);
  }
  async current(groupId: string) {
    const version = this.store.currentVersion(groupId);
    return this.store.versions.find((v) => v.groupId === groupId && v.version === version) ?? null;
  }
  async nextVersion(_tx: Tx, groupId: string) {
    return (this.store.currentVersion(groupId) ?? 0) + 1;
  }
  async insertVersion(_tx: Tx, values: NewAgreementVersion) {
    const row = { ...values } as AgreementVersion;
    this.store.versions.push(row);
    return row;
  }
  async accept(userId: string, groupId: string, version: number, at: Date) {
    const found = this.store.acceptances.find((a) => a.userId === userId && a.groupId === groupId && a.version === version);
    if (found) return found.acceptedAt;
    this.store.acceptances.push({ userId, groupId, version, acceptedAt: at });
    return at;
  }
}

/** The configuration changes recorded, as the audit log would get them. */
export class FakeConfigurationTrail {
  readonly changes: ConfigurationChange[] = [];
  use(): void {}
  async record(_tx: Tx, change: ConfigurationChange): Promise<void> {
    this.changes.push(change);
  }
}

export class FakeReferralCodesRepository implements Port<ReferralCodesRepository> {
  constructor(private readonly store: GroupsStore) {}
  async insert(values: NewReferralCode) {
    const row = { ...values, id: randomUUID(), createdAt: new Date(), revokedAt: null } as ReferralCode;
    this.store.codes.push(row);
    return row;
  }
  async list(groupId: string) {
    return this.store.codes.filter((c) => c.groupId === groupId).reverse();
  }
  async revoke(_tx: Tx, groupId: string, id: string) {
    const row = this.store.codes.find((c) => c.groupId === groupId && c.id === id);
    if (!row) return null;
    const before = { ...row };
    row.revokedAt ??= new Date();
    return before;
  }
  async claim(_tx: Tx, groupId: string, code: string) {
    const row = this.store.codes.find(
      (c) => c.groupId === groupId && c.code === code && c.uses < c.maxUses && c.expiresAt.getTime() > Date.now() && !c.revokedAt,
    );
    if (!row) return null;
    row.uses += 1;
    return row.id;
  }
}

export class FakeApplicationsRepository implements Port<ApplicationsRepository> {
  constructor(private readonly store: GroupsStore) {}
  async exportFor(userId: string) {
    return this.store.applications.filter((a) => a.userId === userId);
  }
  async eraseFor(_tx: Tx, userId: string) {
    this.store.applications = this.store.applications.filter((a) => a.userId !== userId);
  }
  async lockApplicant() {}
  async hasPending(groupId: string, userId: string) {
    return this.store.applications.some((a) => a.groupId === groupId && a.userId === userId && a.status === 'pending');
  }
  async insert(_tx: Tx, values: NewApplication) {
    const row = { ...values, id: randomUUID(), createdAt: new Date() } as Application;
    this.store.applications.push(row);
    return row;
  }
  async find(id: string) {
    return this.store.applications.find((a) => a.id === id) ?? null;
  }
  async latestFor(groupId: string, userId: string) {
    const mine = this.store.applications.filter((a) => a.groupId === groupId && a.userId === userId);
    return mine.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ?? null;
  }
  async findForUpdate(_tx: Tx, id: string) {
    const row = this.store.applications.find((a) => a.id === id);
    return row ? { ...row } : null;
  }
  async decide(_tx: Tx, id: string, decision: ApplicationDecision) {
    Object.assign(
      this.store.applications.find((a) => a.id === id)!,
      decision,
    );
  }
  async page(groupId: string, status: ApplicationStatus, limit: number) {
    return this.store.applications.filter((a) => a.groupId === groupId && a.status === status).slice(0, limit);
  }
  async pendingPastDue(now: Date, limit: number) {
    return this.store.applications
      .filter((a) => a.status === 'pending' && a.dueAt && a.dueAt <= now)
      .sort((a, b) => b.dueAt!.getTime() - a.dueAt!.getTime())
      .slice(0, limit);
  }
}
