import type { AuthUser } from '@kindred/identity';
import { mentoringOverFakes, person } from './mentoring.fakes';
import type { ProgrammeSettings, TrainingRecord } from './mentoring.types';

const GROUP = '00000000-0000-4000-8000-000000000001';
const DAY_MS = 24 * 3600_000;
const admin = person('admin', true);

const SETTINGS: ProgrammeSettings = {
  name: 'Peer mentoring',
  menteesPerMentor: 1,
  relationshipWeeks: 4,
  checkInEveryDays: 7,
  matchingQuestions: [{ key: 'ageBand', label: 'Age', options: ['18-39', '40-59'] }],
};
const TRAINING: TrainingRecord = { modules: ['boundaries', 'safeguarding'], completedOn: '2026-11-01', trainer: 'Trainer', renewBy: '2027-11-01' };

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; reason?: string } | undefined> {
  return promise.then(
    () => undefined,
    (e: { code?: string; reason?: string }) => e,
  );
}

/** A programme with a coordinator, one trained mentor and a member who asked. */
async function running() {
  const f = mentoringOverFakes();
  const coordinator = f.join(GROUP, 'coordinator', 'supporter');
  const mentor = f.join(GROUP, 'mentor');
  const mentee = f.join(GROUP, 'mentee');
  const stranger = f.join(GROUP, 'stranger');
  await f.service.setProgramme(admin, GROUP, SETTINGS);
  await f.service.approveMentor(admin, GROUP, mentor.id, TRAINING, { ageBand: '40-59' });
  const request = await f.service.ask(mentee, GROUP, { ageBand: '40-59' });
  return { ...f, coordinator, mentor, mentee, stranger, request };
}

async function started() {
  const r = await running();
  const relationship = await r.service.match(r.coordinator, r.request.id, r.mentor.id);
  await r.service.agree(r.mentee, relationship.id);
  await r.service.agree(r.mentor, relationship.id);
  return { ...r, relationshipId: relationship.id };
}

describe('MentoringService (in-memory repositories)', () => {
  it('lets only admins set up a programme and approve mentors, who join the supervision thread', async () => {
    const f = mentoringOverFakes();
    const supporter = f.join(GROUP, 'supporter', 'supporter');
    const member = f.join(GROUP, 'member');
    expect((await rejection(f.service.setProgramme(supporter, GROUP, SETTINGS)))?.code).toBe('FORBIDDEN');
    await f.service.setProgramme(admin, GROUP, SETTINGS);
    expect((await rejection(f.service.approveMentor(supporter, GROUP, member.id, TRAINING, {})))?.code).toBe('FORBIDDEN');
    expect((await rejection(f.service.approveMentor(admin, GROUP, 'not-in-group', TRAINING, {})))?.code).toBe('CONFLICT');
    expect((await rejection(f.service.approveMentor(admin, GROUP, member.id, { ...TRAINING, completedOn: '2027-01-01' }, {})))?.code).toBe('VALIDATION_FAILED');
    expect((await rejection(f.service.approveMentor(admin, GROUP, member.id, TRAINING, { shoeSize: '9' })))?.code).toBe('VALIDATION_FAILED');
    const approved = await f.service.approveMentor(admin, GROUP, member.id, TRAINING, { ageBand: '18-39' });
    expect(approved).toMatchObject({ trainingCurrent: true, load: 0, capacity: 1 });
    expect(f.conversations.supervision).toEqual([{ userId: member.id, member: true }]);
    await f.service.withdrawMentor(admin, GROUP, member.id);
    expect(f.conversations.supervision.at(-1)).toEqual({ userId: member.id, member: false });
  });

  it('takes one open request per member, from members only', async () => {
    const r = await running();
    expect((await rejection(r.service.ask(r.mentee, GROUP, { ageBand: '40-59' })))?.reason).toBe('ALREADY_ASKED');
    expect((await rejection(r.service.ask(person('outsider'), GROUP, { ageBand: '40-59' })))?.code).toBe('NOT_A_MEMBER');
    expect((await rejection(r.service.ask(r.stranger, GROUP, { ageBand: '30' })))?.code).toBe('VALIDATION_FAILED');
  });

  it('matches only through coordinators, and refuses a lapsed, full or unapproved mentor', async () => {
    const r = await running();
    expect((await rejection(r.service.suggestions(r.stranger, r.request.id)))?.code).toBe('NOT_FOUND');
    expect((await rejection(r.service.match(r.stranger, r.request.id, r.mentor.id)))?.code).toBe('NOT_FOUND');
    expect((await rejection(r.service.match(r.coordinator, r.request.id, r.stranger.id)))?.reason).toBe('NOT_A_MENTOR');
    expect((await rejection(r.service.match(r.coordinator, r.request.id, r.mentee.id)))?.reason).toBe('SELF_MATCH');

    r.clock.at = new Date('2027-11-02T09:00:00Z');
    expect(await r.service.suggestions(r.coordinator, r.request.id)).toEqual([]);
    expect((await rejection(r.service.match(r.coordinator, r.request.id, r.mentor.id)))?.reason).toBe('TRAINING_LAPSED');
    r.clock.at = new Date('2026-12-01T09:00:00Z');

    expect((await r.service.suggestions(r.coordinator, r.request.id)).map((s) => s.mentor.id)).toEqual([r.mentor.id]);
    await r.service.match(r.coordinator, r.request.id, r.mentor.id);
    expect((await rejection(r.service.match(r.coordinator, r.request.id, r.mentor.id)))?.reason).toBe('REQUEST_NOT_OPEN');
    const second = await r.service.ask(r.stranger, GROUP, { ageBand: '40-59' });
    expect((await rejection(r.service.match(r.coordinator, second.id, r.mentor.id)))?.reason).toBe('AT_CAPACITY');
    expect(r.audit.map((a) => a.action)).toContain('mentoring.matched');
  });

  it('starts only when both have agreed, opening the conversation then', async () => {
    const r = await running();
    const proposed = await r.service.match(r.coordinator, r.request.id, r.mentor.id);
    expect((await rejection(r.service.agree(r.coordinator, proposed.id)))?.code).toBe('FORBIDDEN');
    expect((await r.service.agree(r.mentor, proposed.id)).status).toBe('proposed');
    expect(r.conversations.opened).toEqual([]);
    const active = await r.service.agree(r.mentee, proposed.id);
    expect(active).toMatchObject({ status: 'active', conversationId: 'conversation-1' });
    expect(active.nextCheckInDue!.getTime() - active.startedAt!.getTime()).toBe(7 * DAY_MS);
    expect(active.endsAt!.getTime() - active.startedAt!.getTime()).toBe(28 * DAY_MS);
    expect((await rejection(r.service.agree(r.mentee, proposed.id)))?.reason).toBe('NOT_PROPOSED');
  });

  it('reviews goals at a check-in and moves the next one a period on', async () => {
    const r = await started();
    const goal = await r.service.addGoal(r.mentee, r.relationshipId, { what: 'Walk, ring me on 07700 900123', byWhen: '2027-01-01', confidence: 3 });
    expect(goal.what).not.toContain('07700');
    expect((await rejection(r.service.addGoal(r.stranger, r.relationshipId, { what: 'x', byWhen: '2027-01-01', confidence: 3 })))?.code).toBe('NOT_FOUND');
    r.clock.at = new Date(r.clock.at.getTime() + 3 * DAY_MS);
    const checkIn = await r.service.recordCheckIn(r.mentor, r.relationshipId, [{ goalId: goal.id, confidence: 6, status: 'open' }]);
    expect(checkIn.nextCheckInDue.getTime()).toBe(r.clock.at.getTime() + 7 * DAY_MS);
    expect((await rejection(r.service.recordCheckIn(r.mentor, r.relationshipId, [{ goalId: 'other', confidence: 6, status: 'open' }])))?.code).toBe(
      'VALIDATION_FAILED',
    );
    const [reviewed] = await r.service.goals(r.coordinator, r.relationshipId);
    expect(reviewed).toMatchObject({ confidence: 6, reviews: [{ checkInId: checkIn.id, confidence: 6, status: 'open' }] });
  });

  it('reminds both once per due check-in, however many runs see it, and ends a relationship past its agreed length', async () => {
    const r = await started();
    expect(await r.service.remindDue()).toEqual({ reminded: 0, ended: 0 });
    r.clock.at = new Date(r.clock.at.getTime() + 7 * DAY_MS + 1);
    expect(await r.service.remindDue()).toEqual({ reminded: 1, ended: 0 });
    expect(await r.service.remindDue()).toEqual({ reminded: 0, ended: 0 });
    const reminders = r.notices.filter((n) => /check-in is due/.test(n.message));
    expect(reminders.map((n) => n.userId).sort()).toEqual([r.mentee.id, r.mentor.id]);
    expect((await r.service.mentors(r.coordinator, GROUP))[0]).toMatchObject({ overdueCheckIns: 1, load: 1 });

    r.clock.at = new Date(r.clock.at.getTime() + 28 * DAY_MS);
    // The check-in still not held was reminded of already; the relationship has run its length.
    expect(await r.service.remindDue()).toEqual({ reminded: 0, ended: 1 });
    expect(r.conversations.closed).toEqual(['conversation-1']);
    expect(await r.service.remindDue()).toEqual({ reminded: 0, ended: 0 });
  });

  it('lets either side end it with a reason only coordinators read, closing the conversation', async () => {
    const r = await started();
    expect((await rejection(r.service.end(r.stranger, r.relationshipId, 'nosy')))?.code).toBe('NOT_FOUND');
    const ended = await r.service.end(r.mentor, r.relationshipId, 'Moving away');
    expect(ended.status).toBe('ended');
    expect(ended).not.toHaveProperty('endReason');
    expect(r.conversations.closed).toEqual(['conversation-1']);
    expect((await r.service.relationship(r.mentee, r.relationshipId)).endReason).toBeUndefined();
    expect(await r.service.relationship(r.coordinator, r.relationshipId)).toMatchObject({ endReason: 'Moving away', endedBy: r.mentor.id });
    expect((await rejection(r.service.end(r.mentee, r.relationshipId, 'again')))?.reason).toBe('ENDED');
    expect(r.notices.some((n) => n.userId === r.mentee.id && /has ended/.test(n.message))).toBe(true);
    expect(r.notices.some((n) => n.message.includes('Moving away'))).toBe(false);
  });

  it('keeps session notes to the mentor and coordinators', async () => {
    const r = await started();
    const note = await r.service.addNote(r.mentor, r.relationshipId, 'Evenings are hard');
    expect(note.menteeId).toBe(r.mentee.id);
    for (const who of [r.mentee] as AuthUser[]) {
      expect((await rejection(r.service.addNote(who, r.relationshipId, 'mine')))?.code).toBe('FORBIDDEN');
      expect((await rejection(r.service.notes(who, r.relationshipId)))?.code).toBe('FORBIDDEN');
    }
    expect((await rejection(r.service.notes(r.stranger, r.relationshipId)))?.code).toBe('NOT_FOUND');
    expect((await r.service.notes(r.coordinator, r.relationshipId)).map((n) => n.body)).toEqual(['Evenings are hard']);
  });
});
