import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { ConversationsService } from '@kindred/conversations';
import { Transactions, type Tx } from '@kindred/database';
import { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { answerProblems, canTakeNewMentee, isoDay, questionProblems, rankMentors } from './matching';
import { MentoringClock } from './mentoring-clock';
import { maskPersonalData } from './mentoring-text';
import type {
  CheckInView,
  GoalStatus,
  GoalView,
  MatchSuggestion,
  MentoringRequestView,
  MentorView,
  PersonRef,
  ProgrammeSettings,
  ProgrammeView,
  RelationshipView,
  SessionNoteView,
  TrainingRecord,
} from './mentoring.types';
import { ProgrammesRepository } from './programmes.repository';
import { RelationshipsRepository, StoredRelationship } from './relationships.repository';
import { RequestsRepository } from './requests.repository';

const DAY_MS = 24 * 3600_000;
/** Reminders claimed per run, at most; the next run takes the rest. */
const REMINDER_BATCH = 200;

/** Why mentoring refused something, beside the API code (CONFLICT). */
export const MentoringConflict = {
  NO_PROGRAMME: 'NO_PROGRAMME',
  ALREADY_ASKED: 'ALREADY_ASKED',
  REQUEST_NOT_OPEN: 'REQUEST_NOT_OPEN',
  NOT_A_MENTOR: 'NOT_A_MENTOR',
  TRAINING_LAPSED: 'TRAINING_LAPSED',
  AT_CAPACITY: 'AT_CAPACITY',
  SELF_MATCH: 'SELF_MATCH',
  NOT_PROPOSED: 'NOT_PROPOSED',
  NOT_ACTIVE: 'NOT_ACTIVE',
  ENDED: 'ENDED',
} as const;

export interface ReminderRun {
  reminded: number;
  ended: number;
}

/**
 * Peer mentoring in a group: the admins' programme and its approved, trained mentors; members
 * asking; coordinators (the group's supporters and admins) matching; both sides agreeing; goals,
 * check-ins and reminders; a mentor's session notes; and either side ending it.
 */
@Injectable()
export class MentoringService {
  private readonly logger = new Logger(MentoringService.name);

  constructor(
    private readonly programmes: ProgrammesRepository,
    private readonly requests: RequestsRepository,
    private readonly relationships: RelationshipsRepository,
    private readonly transactions: Transactions,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly memberships: MembershipService,
    private readonly identity: IdentityService,
    private readonly conversations: ConversationsService,
    private readonly notices: NoticesService,
    private readonly audit: AuditLogService,
    private readonly clock: MentoringClock,
  ) {}

  // ── programme and mentors (admins) ──

  async setProgramme(user: AuthUser, groupId: string, settings: ProgrammeSettings): Promise<ProgrammeView> {
    assertAdmin(user);
    await this.groups.assertExists(groupId);
    const problems = questionProblems(settings.matchingQuestions);
    if (problems.length > 0) throw DomainError.validation(problems);
    return this.programmes.upsert(groupId, settings);
  }

  /** The group's programme, for anyone who can see the group. */
  async programme(user: AuthUser, groupId: string): Promise<ProgrammeView> {
    if (!(await this.participation.canSee(user, groupId))) throw DomainError.notFound('That group');
    return this.programmeOf(groupId);
  }

  /**
   * An admin approves a member of the group as a mentor, recording their training; they join the
   * group's supervision thread. Approving again renews the record.
   */
  async approveMentor(user: AuthUser, groupId: string, userId: string, training: TrainingRecord, answers: Record<string, string>): Promise<MentorView> {
    assertAdmin(user);
    const programme = await this.programmeOf(groupId);
    const today = isoDay(this.clock.now());
    const problems: Array<{ field: string; message: string }> = [];
    if (training.completedOn > today) problems.push({ field: 'training.completedOn', message: 'must not be in the future' });
    if (training.renewBy <= training.completedOn) problems.push({ field: 'training.renewBy', message: 'must be after completedOn' });
    for (const key of Object.keys(answers)) {
      if (!programme.matchingQuestions.some((q) => (q.mentorKey ?? q.key) === key))
        problems.push({ field: `answers.${key}`, message: 'is not asked of mentors in this programme' });
    }
    if (problems.length > 0) throw DomainError.validation(problems);
    const membership = (await this.memberships.membershipsOf(userId)).find((m) => m.groupId === groupId);
    if (!membership) throw DomainError.conflict('Only a member of this group can be its mentor.', MentoringConflict.NOT_A_MENTOR);
    await this.transactions.run(async (tx) => {
      await this.programmes.upsertMentor(tx, programme.id, userId, training, answers, user.id);
      await this.conversations.setSupervisionMember(tx, groupId, userId, true);
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'mentor.approved',
        groupId,
        subjectType: 'user',
        subjectId: userId,
        detail: { renewBy: training.renewBy, modules: training.modules.length },
      });
    });
    return this.mentorView(programme, userId);
  }

  async withdrawMentor(user: AuthUser, groupId: string, userId: string): Promise<void> {
    assertAdmin(user);
    const programme = await this.programmeOf(groupId);
    await this.transactions.run(async (tx) => {
      if (!(await this.programmes.withdrawMentor(tx, programme.id, userId))) throw DomainError.notFound('That mentor');
      await this.conversations.setSupervisionMember(tx, groupId, userId, false);
      await this.audit.record(tx, { actorId: user.id, action: 'mentor.withdrawn', groupId, subjectType: 'user', subjectId: userId, detail: {} });
    });
  }

  /** Every mentor with their training, load and overdue check-ins: coordinators only. */
  async mentors(user: AuthUser, groupId: string): Promise<MentorView[]> {
    await this.assertCoordinator(user, groupId);
    const programme = await this.programmeOf(groupId);
    const now = this.clock.now();
    const rows = await this.programmes.mentorsWithLoad(programme.id, now);
    const names = await this.identity.displayNames(rows.map((r) => r.userId));
    const today = isoDay(now);
    return rows.map((m) => ({
      mentor: { id: m.userId, displayName: names.get(m.userId) ?? FORMER_MEMBER },
      status: m.status,
      training: m.training,
      trainingCurrent: m.training.renewBy >= today,
      answers: m.answers,
      capacity: programme.menteesPerMentor,
      load: m.load,
      overdueCheckIns: m.overdue,
    }));
  }

  // ── asking and matching ──

  async ask(user: AuthUser, groupId: string, answers: Record<string, string>): Promise<MentoringRequestView> {
    await this.participation.assertParticipant(user, groupId);
    const programme = await this.programmeOf(groupId);
    const problems = answerProblems(programme.matchingQuestions, answers);
    if (problems.length > 0) throw DomainError.validation(problems);
    const id = await this.requests.insert(programme.id, user.id, answers);
    if (!id) throw DomainError.conflict('You have already asked for a mentor here; a coordinator will be in touch.', MentoringConflict.ALREADY_ASKED);
    const request = await this.requests.find(id);
    return (await this.requestViews([request!]))[0]!;
  }

  async openRequests(user: AuthUser, groupId: string): Promise<MentoringRequestView[]> {
    await this.assertCoordinator(user, groupId);
    const programme = await this.programmeOf(groupId);
    return this.requestViews(await this.requests.open(programme.id));
  }

  /** Mentors who could take the member, best first (by matching answers, then spare capacity). */
  async suggestions(user: AuthUser, requestId: string): Promise<MatchSuggestion[]> {
    const request = await this.requests.find(requestId);
    if (!request) throw DomainError.notFound('That request');
    await this.assertCoordinator(user, request.groupId, true);
    const programme = await this.programmeOf(request.groupId);
    const now = this.clock.now();
    const mentors = await this.programmes.mentorsWithLoad(programme.id, now);
    const ranked = rankMentors(
      programme.matchingQuestions,
      request.answers,
      mentors.map((m) => ({ userId: m.userId, answers: m.answers, status: m.status, renewBy: m.training.renewBy, load: m.load })),
      programme.menteesPerMentor,
      isoDay(now),
      request.menteeId,
    );
    const names = await this.identity.displayNames(ranked.map((r) => r.userId));
    return ranked.map((r) => ({
      mentor: { id: r.userId, displayName: names.get(r.userId) ?? FORMER_MEMBER },
      score: r.score,
      matchedOn: r.matchedOn,
      spareCapacity: r.spareCapacity,
    }));
  }

  /**
   * A coordinator confirms a mentor for a request. Under the request's and the mentor's row locks,
   * so two coordinators cannot give one mentor more mentees than the programme allows, nor one
   * request two mentors. Both people are then asked to agree.
   */
  async match(user: AuthUser, requestId: string, mentorId: string): Promise<RelationshipView> {
    const found = await this.requests.find(requestId);
    if (!found) throw DomainError.notFound('That request');
    await this.assertCoordinator(user, found.groupId, true);
    const programme = await this.programmeOf(found.groupId);
    const today = isoDay(this.clock.now());
    const id = await this.transactions.run(async (tx) => {
      const request = await this.requests.lock(tx, requestId);
      if (!request || request.status !== 'open')
        throw DomainError.conflict('That request has already been matched or withdrawn.', MentoringConflict.REQUEST_NOT_OPEN);
      if (mentorId === request.menteeId) throw DomainError.conflict('Nobody can mentor themselves.', MentoringConflict.SELF_MATCH);
      const mentor = await this.programmes.lockMentor(tx, programme.id, mentorId);
      if (!mentor || mentor.status !== 'approved')
        throw DomainError.conflict('That person is not an approved mentor of this programme.', MentoringConflict.NOT_A_MENTOR);
      if (mentor.training.renewBy < today) {
        throw DomainError.conflict(
          `This mentor's training had to be renewed by ${mentor.training.renewBy}: they cannot take a new mentee until it is.`,
          MentoringConflict.TRAINING_LAPSED,
        );
      }
      const load = await this.relationships.loadOf(tx, programme.id, mentorId);
      if (!canTakeNewMentee({ status: mentor.status, renewBy: mentor.training.renewBy, load }, programme.menteesPerMentor, today)) {
        throw DomainError.conflict(`This mentor already has ${load} mentees, the most this programme allows.`, MentoringConflict.AT_CAPACITY);
      }
      const created = await this.relationships.insert(tx, { programmeId: programme.id, requestId, mentorId, menteeId: request.menteeId, matchedBy: user.id });
      await this.requests.setStatus(tx, requestId, 'matched');
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'mentoring.matched',
        groupId: request.groupId,
        subjectType: 'mentoring-relationship',
        subjectId: created,
        detail: { requestId, mentorId, menteeId: request.menteeId },
      });
      return { created, menteeId: request.menteeId };
    });
    await this.tell([mentorId, id.menteeId], found.groupId, id.created, 'You have been matched for peer mentoring. Please say whether you agree to start.');
    return this.relationship(user, id.created);
  }

  /** Each side agrees; once both have, the relationship starts and its conversation opens. */
  async agree(user: AuthUser, relationshipId: string): Promise<RelationshipView> {
    const current = await this.visibleRelationship(user, relationshipId);
    const side = sideOf(user, current);
    if (!side) throw DomainError.forbidden('Only the mentor and the mentee agree to a match.');
    const started = await this.transactions.run(async (tx) => {
      const locked = await this.relationships.lock(tx, relationshipId);
      if (!locked || locked.status !== 'proposed') throw DomainError.conflict('This match is no longer waiting for agreement.', MentoringConflict.NOT_PROPOSED);
      await this.relationships.agree(tx, relationshipId, side);
      const other = side === 'mentor' ? locked.menteeAgreedAt : locked.mentorAgreedAt;
      if (!other || !locked.mentorId || !locked.menteeId) return false;
      const programme = (await this.programmes.find(locked.programmeId, tx))!;
      const now = this.clock.now();
      const conversationId = await this.conversations.openMentoring(tx, locked.groupId, locked.mentorId, locked.menteeId);
      await this.relationships.start(
        tx,
        relationshipId,
        now,
        new Date(now.getTime() + programme.relationshipWeeks * 7 * DAY_MS),
        new Date(now.getTime() + programme.checkInEveryDays * DAY_MS),
        conversationId,
      );
      return true;
    });
    if (started) {
      const ids = [current.mentorId, current.menteeId].filter((x): x is string => Boolean(x));
      await this.tell(ids, current.groupId, relationshipId, 'Your peer mentoring has started: you can now write to each other.');
    }
    return this.relationship(user, relationshipId);
  }

  /**
   * Either side, or a coordinator, ends it at any time, with a reason only coordinators read. The
   * conversation closes for both in the same transaction.
   */
  async end(user: AuthUser, relationshipId: string, reason: string): Promise<RelationshipView> {
    const current = await this.visibleRelationship(user, relationshipId);
    if (!sideOf(user, current)) await this.assertCoordinator(user, current.groupId, true);
    const text = maskPersonalData(reason.trim());
    if (text.length === 0) throw DomainError.validation([{ field: 'reason', message: 'must not be blank' }]);
    await this.transactions.run(async (tx) => {
      const locked = await this.relationships.lock(tx, relationshipId);
      if (!locked || locked.status === 'ended') throw DomainError.conflict('This relationship has already ended.', MentoringConflict.ENDED);
      await this.endIn(tx, locked, user.id, text);
    });
    const others = [current.mentorId, current.menteeId].filter((x): x is string => Boolean(x) && x !== user.id);
    await this.tell(
      others,
      current.groupId,
      relationshipId,
      'Your peer mentoring relationship has ended. A coordinator can help if you would like another mentor.',
    );
    return this.relationship(user, relationshipId);
  }

  // ── reading relationships ──

  async relationship(user: AuthUser, id: string): Promise<RelationshipView> {
    const r = await this.visibleRelationship(user, id);
    const coordinator = await this.participation.isModerator(user, r.groupId);
    return (await this.relationshipViews(user, [r], coordinator))[0]!;
  }

  /** The caller's own requests and relationships, as mentee or mentor. */
  async mine(user: AuthUser): Promise<{ requests: MentoringRequestView[]; relationships: RelationshipView[] }> {
    const [requests, relationships] = await Promise.all([this.requests.ofMentee(user.id), this.relationships.ofPerson(user.id)]);
    return { requests: await this.requestViews(requests), relationships: await this.relationshipViews(user, relationships, false) };
  }

  /** Every relationship of the programme, with end reasons and overdue check-ins: coordinators only. */
  async programmeRelationships(user: AuthUser, groupId: string): Promise<RelationshipView[]> {
    await this.assertCoordinator(user, groupId);
    const programme = await this.programmeOf(groupId);
    return this.relationshipViews(user, await this.relationships.ofProgramme(programme.id), true);
  }

  // ── goals and check-ins ──

  async addGoal(user: AuthUser, relationshipId: string, input: { what: string; byWhen: string; confidence: number }): Promise<GoalView> {
    const r = await this.activeForParty(user, relationshipId);
    const what = maskPersonalData(input.what.trim());
    if (what.length === 0) throw DomainError.validation([{ field: 'what', message: 'must not be blank' }]);
    const goal = await this.transactions.run((tx) =>
      this.relationships.insertGoal(tx, { relationshipId: r.id, what, byWhen: input.byWhen, confidence: input.confidence, createdBy: user.id }),
    );
    return { ...goal, reviews: [] };
  }

  /** The relationship's goals with each review at a check-in: its two people and the coordinators. */
  async goals(user: AuthUser, relationshipId: string): Promise<GoalView[]> {
    const r = await this.visibleRelationship(user, relationshipId);
    if (!sideOf(user, r)) await this.assertCoordinator(user, r.groupId, true);
    const [goals, checkIns] = await Promise.all([this.relationships.goals(r.id), this.relationships.checkIns(r.id)]);
    return goals.map((g) => ({
      ...g,
      reviews: checkIns.flatMap((c) =>
        c.reviews.filter((v) => v.goalId === g.id).map((v) => ({ checkInId: c.id, heldAt: c.heldAt, confidence: v.confidence, status: v.status })),
      ),
    }));
  }

  /** A check-in held: each goal reviewed (confidence now, still open, done or dropped); the next one falls due a period from now. */
  async recordCheckIn(
    user: AuthUser,
    relationshipId: string,
    reviews: Array<{ goalId: string; confidence: number; status: GoalStatus }>,
  ): Promise<CheckInView> {
    const r = await this.activeForParty(user, relationshipId);
    const ids = new Set<string>();
    for (const v of reviews) {
      if (ids.has(v.goalId)) throw DomainError.validation([{ field: 'reviews', message: 'each goal once' }]);
      ids.add(v.goalId);
    }
    const programme = (await this.programmes.find(r.programmeId))!;
    const now = this.clock.now();
    const next = new Date(now.getTime() + programme.checkInEveryDays * DAY_MS);
    const checkIn = await this.transactions.run(async (tx) => {
      const locked = await this.relationships.lock(tx, r.id);
      if (!locked || locked.status !== 'active') throw DomainError.conflict('This relationship is not running.', MentoringConflict.NOT_ACTIVE);
      const goals = new Set((await this.relationships.goals(r.id, tx)).map((g) => g.id));
      const unknown = reviews.find((v) => !goals.has(v.goalId));
      if (unknown) throw DomainError.validation([{ field: 'reviews', message: `goal ${unknown.goalId} is not one of this relationship's goals` }]);
      for (const v of reviews) await this.relationships.reviewGoal(tx, v.goalId, v.confidence, v.status);
      const saved = await this.relationships.insertCheckIn(tx, { relationshipId: r.id, recordedBy: user.id, heldAt: now, reviews });
      await this.relationships.setNextCheckIn(tx, r.id, next);
      return saved;
    });
    return { ...checkIn, nextCheckInDue: next };
  }

  // ── session notes ──

  /** The mentor's private note about a session: read by the mentor and the coordinators only. */
  async addNote(user: AuthUser, relationshipId: string, body: string): Promise<SessionNoteView> {
    const r = await this.visibleRelationship(user, relationshipId);
    if (sideOf(user, r) !== 'mentor') throw DomainError.forbidden('Only the mentor writes session notes.');
    if (r.status === 'ended') throw DomainError.conflict('This relationship has ended.', MentoringConflict.ENDED);
    const text = maskPersonalData(body.trim());
    if (text.length === 0) throw DomainError.validation([{ field: 'body', message: 'must not be blank' }]);
    const note = await this.relationships.insertNote({ relationshipId: r.id, mentorId: user.id, menteeId: r.menteeId, body: text });
    return {
      id: note.id,
      relationshipId: r.id,
      mentor: { id: user.id, displayName: user.displayName },
      menteeId: note.menteeId,
      body: note.body,
      createdAt: note.createdAt,
    };
  }

  async notes(user: AuthUser, relationshipId: string): Promise<SessionNoteView[]> {
    const r = await this.visibleRelationship(user, relationshipId);
    const side = sideOf(user, r);
    if (side === 'mentee') throw DomainError.forbidden("Session notes are the mentor's own, read only by them and the coordinators.");
    if (!side) await this.assertCoordinator(user, r.groupId, true);
    const notes = await this.relationships.notes(r.id);
    const names = await this.identity.displayNames(notes.map((n) => n.mentorId));
    return notes.map((n) => ({
      id: n.id,
      relationshipId: n.relationshipId,
      mentor: { id: n.mentorId, displayName: names.get(n.mentorId) ?? FORMER_MEMBER },
      menteeId: n.menteeId,
      body: n.body,
      createdAt: n.createdAt,
    }));
  }

  // ── the scheduled run ──

  /**
   * One run of the reminder job: each running relationship whose check-in fell due is reminded
   * once (mentor and mentee each get a notice), and relationships past their agreed length end.
   */
  async remindDue(): Promise<ReminderRun> {
    const now = this.clock.now();
    const created: NoticeView[] = [];
    const claimed = await this.transactions.run(async (tx) => {
      const due = await this.relationships.claimDueReminders(tx, now, REMINDER_BATCH);
      for (const d of due) {
        for (const userId of [d.mentorId, d.menteeId]) {
          if (!userId) continue;
          created.push(
            await this.notices.create(
              {
                userId,
                kind: 'mentoring',
                groupId: d.groupId,
                subjectId: d.id,
                message: 'A mentoring check-in is due: a good time to look at your goals together.',
              },
              tx,
            ),
          );
        }
      }
      return due.length;
    });
    for (const notice of created) await this.notices.announce(notice);
    let ended = 0;
    for (const id of await this.relationships.pastTheirEnd(now, REMINDER_BATCH)) {
      const done = await this.transactions.run(async (tx) => {
        const locked = await this.relationships.lock(tx, id);
        if (!locked || locked.status !== 'active' || !locked.endsAt || locked.endsAt > now) return null;
        await this.endIn(tx, locked, null, 'The agreed length of the relationship ran out.');
        return locked;
      });
      if (done) {
        ended++;
        const ids = [done.mentorId, done.menteeId].filter((x): x is string => Boolean(x));
        await this.tell(ids, done.groupId, id, 'Your peer mentoring has reached the end of its agreed time. Thank you both.');
      }
    }
    if (claimed > 0 || ended > 0) this.logger.log({ reminded: claimed, ended }, 'mentoring check-ins');
    return { reminded: claimed, ended };
  }

  // ── helpers ──

  private async endIn(tx: Tx, r: StoredRelationship, by: string | null, reason: string): Promise<void> {
    await this.relationships.end(tx, r.id, by, reason, this.clock.now());
    if (r.conversationId) await this.conversations.close(tx, r.conversationId, by);
    await this.audit.record(tx, {
      actorId: by,
      action: 'mentoring.ended',
      groupId: r.groupId,
      subjectType: 'mentoring-relationship',
      subjectId: r.id,
      detail: { status: r.status },
    });
  }

  private async programmeOf(groupId: string): Promise<ProgrammeView> {
    const programme = await this.programmes.ofGroup(groupId);
    if (!programme) throw DomainError.notFound('That mentoring programme');
    return programme;
  }

  /** Coordinators are the group's supporters and admins. */
  private async assertCoordinator(user: AuthUser, groupId: string, hideExistence = false): Promise<void> {
    await this.participation.assertModerator(user, groupId, { hideExistence });
  }

  /** A relationship its two people and the group's coordinators may see; 404 for anyone else. */
  private async visibleRelationship(user: AuthUser, id: string): Promise<StoredRelationship> {
    const r = await this.relationships.find(id);
    if (!r) throw DomainError.notFound('That mentoring relationship');
    if (sideOf(user, r)) return r;
    if (await this.participation.isModerator(user, r.groupId)) return r;
    throw DomainError.notFound('That mentoring relationship');
  }

  private async activeForParty(user: AuthUser, id: string): Promise<StoredRelationship> {
    const r = await this.visibleRelationship(user, id);
    if (!sideOf(user, r)) throw DomainError.forbidden('Only the mentor and the mentee do that.');
    if (r.status !== 'active') throw DomainError.conflict('This relationship is not running.', MentoringConflict.NOT_ACTIVE);
    return r;
  }

  private async mentorView(programme: ProgrammeView, userId: string): Promise<MentorView> {
    const now = this.clock.now();
    const m = (await this.programmes.mentorsWithLoad(programme.id, now)).find((x) => x.userId === userId)!;
    const names = await this.identity.displayNames([userId]);
    return {
      mentor: { id: userId, displayName: names.get(userId) ?? FORMER_MEMBER },
      status: m.status,
      training: m.training,
      trainingCurrent: m.training.renewBy >= isoDay(now),
      answers: m.answers,
      capacity: programme.menteesPerMentor,
      load: m.load,
      overdueCheckIns: m.overdue,
    };
  }

  private async requestViews(
    requests: Array<{
      id: string;
      groupId: string;
      menteeId: string;
      answers: Record<string, string>;
      status: MentoringRequestView['status'];
      createdAt: Date;
    }>,
  ): Promise<MentoringRequestView[]> {
    const names = await this.identity.displayNames(requests.map((r) => r.menteeId));
    return requests.map((r) => ({
      id: r.id,
      groupId: r.groupId,
      mentee: { id: r.menteeId, displayName: names.get(r.menteeId) ?? FORMER_MEMBER },
      answers: r.answers,
      status: r.status,
      createdAt: r.createdAt,
    }));
  }

  private async relationshipViews(user: AuthUser, rows: StoredRelationship[], coordinator: boolean): Promise<RelationshipView[]> {
    const names = await this.identity.displayNames(rows.flatMap((r) => [r.mentorId, r.menteeId].filter((x): x is string => Boolean(x))));
    const ref = (id: string | null): PersonRef | null => (id ? { id, displayName: names.get(id) ?? FORMER_MEMBER } : null);
    const now = this.clock.now();
    return rows.map((r) => {
      const view: RelationshipView = {
        id: r.id,
        groupId: r.groupId,
        programmeId: r.programmeId,
        mentor: ref(r.mentorId),
        mentee: ref(r.menteeId),
        status: r.status,
        mentorAgreedAt: r.mentorAgreedAt,
        menteeAgreedAt: r.menteeAgreedAt,
        startedAt: r.startedAt,
        endsAt: r.endsAt,
        endedAt: r.endedAt,
        conversationId: r.conversationId,
        nextCheckInDue: r.status === 'active' ? r.nextCheckInDue : null,
        overdue: r.status === 'active' && r.nextCheckInDue !== null && r.nextCheckInDue < now,
        myRole: sideOf(user, r),
      };
      if (coordinator) {
        view.endReason = r.endReason;
        view.endedBy = r.endedBy;
      }
      return view;
    });
  }

  private async tell(userIds: string[], groupId: string, relationshipId: string, message: string): Promise<void> {
    for (const userId of userIds) {
      await this.notices.create({ userId, kind: 'mentoring', groupId, subjectId: relationshipId, message });
    }
  }
}

function assertAdmin(user: AuthUser): void {
  if (!user.isAdmin) throw DomainError.forbidden('Only admins set up mentoring programmes and approve mentors.');
}

function sideOf(user: AuthUser, r: Pick<StoredRelationship, 'mentorId' | 'menteeId'>): 'mentor' | 'mentee' | null {
  if (r.mentorId === user.id) return 'mentor';
  if (r.menteeId === user.id) return 'mentee';
  return null;
}
