import { randomUUID } from 'node:crypto';
import type { AuditLogService } from '@kindred/audit';
import type { ConversationsService } from '@kindred/conversations';
import type { Transactions, Tx } from '@kindred/database';
import type { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { NoticesService, NoticeView } from '@kindred/notifications';
import type { MentoringClock } from './mentoring-clock';
import type { ProgrammeSettings, ProgrammeView, RequestStatus, TrainingRecord } from './mentoring.types';
import { MentoringService } from './mentoring.service';
import type { MentorWithLoad, ProgrammesRepository, StoredMentor } from './programmes.repository';
import type { DueReminder, RelationshipsRepository, StoredCheckIn, StoredGoal, StoredNote, StoredRelationship } from './relationships.repository';
import type { RequestsRepository, StoredRequest } from './requests.repository';

export const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });

/** Every mentoring row, in memory. */
export class MentoringStore {
  programmes: ProgrammeView[] = [];
  mentors: StoredMentor[] = [];
  requests: StoredRequest[] = [];
  relationships: Array<StoredRelationship & { remindedFor: Date | null }> = [];
  goals: StoredGoal[] = [];
  checkIns: StoredCheckIn[] = [];
  notes: StoredNote[] = [];

  groupOf(programmeId: string): string {
    return this.programmes.find((p) => p.id === programmeId)!.groupId;
  }
}

type Port<T> = { [K in keyof T]: T[K] };

class FakeProgrammes implements Pick<
  Port<ProgrammesRepository>,
  'upsert' | 'ofGroup' | 'find' | 'upsertMentor' | 'withdrawMentor' | 'lockMentor' | 'mentor' | 'mentorsWithLoad' | 'eraseMentor'
> {
  constructor(private readonly s: MentoringStore) {}
  async upsert(groupId: string, settings: ProgrammeSettings) {
    let p = this.s.programmes.find((x) => x.groupId === groupId);
    if (!p) {
      p = { id: randomUUID(), groupId, ...settings, createdAt: new Date(), updatedAt: new Date() };
      this.s.programmes.push(p);
    } else Object.assign(p, settings, { updatedAt: new Date() });
    return { ...p };
  }
  async ofGroup(groupId: string) {
    return this.s.programmes.find((p) => p.groupId === groupId) ?? null;
  }
  async find(id: string) {
    return this.s.programmes.find((p) => p.id === id) ?? null;
  }
  async upsertMentor(_tx: Tx, programmeId: string, userId: string, training: TrainingRecord, answers: Record<string, string>, by: string) {
    this.s.mentors = this.s.mentors.filter((m) => !(m.programmeId === programmeId && m.userId === userId));
    const m: StoredMentor = { id: randomUUID(), programmeId, userId, training, answers, status: 'approved', approvedBy: by, approvedAt: new Date() };
    this.s.mentors.push(m);
    return m;
  }
  async withdrawMentor(_tx: Tx, programmeId: string, userId: string) {
    const m = this.s.mentors.find((x) => x.programmeId === programmeId && x.userId === userId);
    if (m) m.status = 'withdrawn';
    return Boolean(m);
  }
  async lockMentor(_tx: Tx, programmeId: string, userId: string) {
    return this.mentor(programmeId, userId);
  }
  async mentor(programmeId: string, userId: string) {
    return this.s.mentors.find((x) => x.programmeId === programmeId && x.userId === userId) ?? null;
  }
  async mentorsWithLoad(programmeId: string, now: Date): Promise<MentorWithLoad[]> {
    return this.s.mentors
      .filter((m) => m.programmeId === programmeId)
      .map((m) => {
        const mine = this.s.relationships.filter((r) => r.programmeId === programmeId && r.mentorId === m.userId);
        return {
          ...m,
          load: mine.filter((r) => r.status === 'proposed' || r.status === 'active').length,
          overdue: mine.filter((r) => r.status === 'active' && r.nextCheckInDue !== null && r.nextCheckInDue < now).length,
        };
      });
  }
  async eraseMentor(_tx: Tx, userId: string) {
    this.s.mentors = this.s.mentors.filter((m) => m.userId !== userId);
  }
}

class FakeRequests implements Pick<Port<RequestsRepository>, 'insert' | 'find' | 'lock' | 'setStatus' | 'open' | 'ofMentee' | 'eraseMentee'> {
  constructor(private readonly s: MentoringStore) {}
  async insert(programmeId: string, menteeId: string, answers: Record<string, string>) {
    if (this.s.requests.some((r) => r.programmeId === programmeId && r.menteeId === menteeId && r.status === 'open')) return null;
    const r: StoredRequest = { id: randomUUID(), programmeId, groupId: this.s.groupOf(programmeId), menteeId, answers, status: 'open', createdAt: new Date() };
    this.s.requests.push(r);
    return r.id;
  }
  async find(id: string) {
    const r = this.s.requests.find((x) => x.id === id);
    return r ? { ...r } : null;
  }
  async lock(_tx: Tx, id: string) {
    return this.find(id);
  }
  async setStatus(_tx: Tx, id: string, status: RequestStatus) {
    this.s.requests.find((x) => x.id === id)!.status = status;
  }
  async open(programmeId: string) {
    return this.s.requests.filter((r) => r.programmeId === programmeId && r.status === 'open');
  }
  async ofMentee(menteeId: string) {
    return this.s.requests.filter((r) => r.menteeId === menteeId);
  }
  async eraseMentee(_tx: Tx, menteeId: string) {
    this.s.requests = this.s.requests.filter((r) => r.menteeId !== menteeId);
  }
}

class FakeRelationships implements Pick<
  Port<RelationshipsRepository>,
  | 'insert'
  | 'loadOf'
  | 'find'
  | 'lock'
  | 'agree'
  | 'start'
  | 'end'
  | 'setNextCheckIn'
  | 'ofPerson'
  | 'ofProgramme'
  | 'claimDueReminders'
  | 'pastTheirEnd'
  | 'insertGoal'
  | 'goals'
  | 'reviewGoal'
  | 'insertCheckIn'
  | 'checkIns'
  | 'insertNote'
  | 'notes'
  | 'erasePerson'
> {
  constructor(private readonly s: MentoringStore) {}
  async insert(_tx: Tx, i: { programmeId: string; requestId: string; mentorId: string; menteeId: string; matchedBy: string }) {
    const id = randomUUID();
    this.s.relationships.push({
      id,
      programmeId: i.programmeId,
      groupId: this.s.groupOf(i.programmeId),
      requestId: i.requestId,
      mentorId: i.mentorId,
      menteeId: i.menteeId,
      status: 'proposed',
      matchedBy: i.matchedBy,
      matchedAt: new Date(),
      mentorAgreedAt: null,
      menteeAgreedAt: null,
      startedAt: null,
      endsAt: null,
      endedAt: null,
      endedBy: null,
      endReason: null,
      conversationId: null,
      nextCheckInDue: null,
      remindedFor: null,
    });
    return id;
  }
  async loadOf(_tx: Tx, programmeId: string, mentorId: string) {
    return this.s.relationships.filter((r) => r.programmeId === programmeId && r.mentorId === mentorId && r.status !== 'ended').length;
  }
  private row(id: string) {
    return this.s.relationships.find((r) => r.id === id);
  }
  async find(id: string) {
    const r = this.row(id);
    return r ? { ...r } : null;
  }
  async lock(_tx: Tx, id: string) {
    return this.find(id);
  }
  async agree(_tx: Tx, id: string, side: 'mentor' | 'mentee') {
    const r = this.row(id)!;
    if (side === 'mentor') r.mentorAgreedAt ??= new Date();
    else r.menteeAgreedAt ??= new Date();
  }
  async start(_tx: Tx, id: string, at: Date, endsAt: Date, due: Date, conversationId: string) {
    Object.assign(this.row(id)!, { status: 'active', startedAt: at, endsAt, nextCheckInDue: due, conversationId });
  }
  async end(_tx: Tx, id: string, by: string | null, reason: string | null, at: Date) {
    const r = this.row(id)!;
    if (r.status !== 'ended') Object.assign(r, { status: 'ended', endedAt: at, endedBy: by, endReason: reason });
  }
  async setNextCheckIn(_tx: Tx, id: string, due: Date) {
    this.row(id)!.nextCheckInDue = due;
  }
  async ofPerson(userId: string) {
    return this.s.relationships.filter((r) => r.mentorId === userId || r.menteeId === userId).map((r) => ({ ...r }));
  }
  async ofProgramme(programmeId: string) {
    return this.s.relationships.filter((r) => r.programmeId === programmeId).map((r) => ({ ...r }));
  }
  async claimDueReminders(_tx: Tx, now: Date): Promise<DueReminder[]> {
    const due = this.s.relationships.filter(
      (r) => r.status === 'active' && r.nextCheckInDue !== null && r.nextCheckInDue <= now && (r.remindedFor === null || r.remindedFor < r.nextCheckInDue),
    );
    for (const r of due) r.remindedFor = r.nextCheckInDue;
    return due.map((r) => ({ id: r.id, groupId: r.groupId, mentorId: r.mentorId, menteeId: r.menteeId, due: r.nextCheckInDue! }));
  }
  async pastTheirEnd(now: Date) {
    return this.s.relationships.filter((r) => r.status === 'active' && r.endsAt !== null && r.endsAt <= now).map((r) => r.id);
  }
  async insertGoal(_tx: Tx, g: { relationshipId: string; what: string; byWhen: string; confidence: number; createdBy: string }) {
    const goal: StoredGoal = {
      id: randomUUID(),
      relationshipId: g.relationshipId,
      what: g.what,
      byWhen: g.byWhen,
      confidence: g.confidence,
      status: 'open',
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    this.s.goals.push(goal);
    return goal;
  }
  async goals(relationshipId: string) {
    return this.s.goals.filter((g) => g.relationshipId === relationshipId).map((g) => ({ ...g }));
  }
  async reviewGoal(_tx: Tx, goalId: string, confidence: number, status: StoredGoal['status']) {
    Object.assign(
      this.s.goals.find((g) => g.id === goalId)!,
      { confidence, status, updatedAt: new Date() },
    );
  }
  async insertCheckIn(_tx: Tx, c: { relationshipId: string; recordedBy: string; heldAt: Date; reviews: StoredCheckIn['reviews'] }) {
    const saved: StoredCheckIn = { id: randomUUID(), ...c };
    this.s.checkIns.push(saved);
    return saved;
  }
  async checkIns(relationshipId: string) {
    return this.s.checkIns.filter((c) => c.relationshipId === relationshipId);
  }
  async insertNote(n: { relationshipId: string; mentorId: string; menteeId: string | null; body: string }) {
    const note: StoredNote = { id: randomUUID(), ...n, createdAt: new Date() };
    this.s.notes.push(note);
    return note;
  }
  async notes(relationshipId: string) {
    return this.s.notes.filter((n) => n.relationshipId === relationshipId);
  }
  async erasePerson(_tx: Tx, userId: string, at: Date) {
    this.s.notes = this.s.notes.filter((n) => n.mentorId !== userId && n.menteeId !== userId);
    const gone = new Set(this.s.relationships.filter((r) => r.menteeId === userId).map((r) => r.id));
    this.s.relationships = this.s.relationships.filter((r) => !gone.has(r.id));
    this.s.goals = this.s.goals.filter((g) => !gone.has(g.relationshipId));
    this.s.checkIns = this.s.checkIns.filter((c) => !gone.has(c.relationshipId));
    for (const r of this.s.relationships) {
      if (r.mentorId === userId && r.status !== 'ended') Object.assign(r, { status: 'ended', endedAt: at, endReason: null });
      if (r.endedBy === userId) r.endReason = null;
    }
  }
}

/** The mentoring service over in-memory repositories, with a controlled clock and the people's roles per group. */
export function mentoringOverFakes() {
  const store = new MentoringStore();
  const roles = new Map<string, Map<string, 'member' | 'supporter'>>();
  const noticesSent: Array<{ userId: string; kind: string; message: string; subjectId?: string | null }> = [];
  const audit: Array<{ action: string; subjectId: string; actorId: string | null }> = [];
  const conversations = {
    opened: [] as Array<{ groupId: string; mentorId: string; menteeId: string }>,
    closed: [] as string[],
    supervision: [] as Array<{ userId: string; member: boolean }>,
  };
  const clock = {
    at: new Date('2026-12-01T09:00:00Z'),
    now() {
      return new Date(this.at);
    },
  };

  const role = (user: AuthUser, groupId: string) => roles.get(groupId)?.get(user.id) ?? null;
  const participation = {
    canSee: async (user: AuthUser, groupId: string) => user.isAdmin || role(user, groupId) !== null,
    assertParticipant: async (user: AuthUser, groupId: string) => {
      if (!user.isAdmin && !role(user, groupId)) throw new DomainError('NOT_A_MEMBER', 'Only members.');
    },
    assertModerator: async (user: AuthUser, groupId: string, options: { hideExistence?: boolean } = {}) => {
      if (user.isAdmin) return 'admin';
      if (role(user, groupId) === 'supporter') return 'supporter';
      if (options.hideExistence) throw DomainError.notFound();
      throw DomainError.forbidden();
    },
    isModerator: async (user: AuthUser, groupId: string) => user.isAdmin || role(user, groupId) === 'supporter',
  } as unknown as ParticipationService;
  const groups = { assertExists: async () => undefined } as unknown as GroupsService;
  const memberships = {
    membershipsOf: async (userId: string) => [...roles].flatMap(([groupId, people]) => (people.has(userId) ? [{ groupId, role: people.get(userId) }] : [])),
  } as unknown as MembershipService;
  const identity = { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])) } as unknown as IdentityService;
  const conversationsService = {
    openMentoring: async (_tx: Tx, groupId: string, mentorId: string, menteeId: string) => {
      conversations.opened.push({ groupId, mentorId, menteeId });
      return `conversation-${conversations.opened.length}`;
    },
    close: async (_tx: Tx, id: string) => void conversations.closed.push(id),
    setSupervisionMember: async (_tx: Tx, _groupId: string, userId: string, member: boolean) => void conversations.supervision.push({ userId, member }),
  } as unknown as ConversationsService;
  const notices = {
    create: async (input: { userId: string; kind: string; message: string; subjectId?: string | null }) => {
      noticesSent.push(input);
      return { id: randomUUID() } as unknown as NoticeView;
    },
    announce: async () => undefined,
  } as unknown as NoticesService;
  const auditLog = {
    record: async (_tx: Tx, entry: { action: string; subjectId: string; actorId: string | null }) => void audit.push(entry),
  } as unknown as AuditLogService;
  const transactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx), none: {} as Tx } as unknown as Transactions;

  const service = new MentoringService(
    new FakeProgrammes(store) as unknown as ProgrammesRepository,
    new FakeRequests(store) as unknown as RequestsRepository,
    new FakeRelationships(store) as unknown as RelationshipsRepository,
    transactions,
    participation,
    groups,
    memberships,
    identity,
    conversationsService,
    notices,
    auditLog,
    clock as unknown as MentoringClock,
  );

  function join(groupId: string, userId: string, as: 'member' | 'supporter' = 'member'): AuthUser {
    if (!roles.has(groupId)) roles.set(groupId, new Map());
    roles.get(groupId)!.set(userId, as);
    return person(userId);
  }

  return { service, store, clock, notices: noticesSent, audit, conversations, join };
}
