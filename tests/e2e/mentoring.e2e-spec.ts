import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MentoringClock, MentoringService } from '@kindred/mentoring';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

const DAY_MS = 24 * 3600_000;
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk between sessions.';
const CRISIS_BODY = "I can't cope any more. I want to end my life tonight.";

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

const PROGRAMME = {
  name: 'Type 2 peer mentoring',
  menteesPerMentor: 1,
  relationshipWeeks: 12,
  checkInEveryDays: 7,
  matchingQuestions: [
    { key: 'ageBand', label: 'Your age band', options: ['18-39', '40-59', '60+'] },
    { key: 'treatment', label: 'How you manage it now', options: ['Diet', 'Tablets', 'Insulin'] },
    { key: 'preferredGender', label: 'A mentor of which gender?', options: ['Woman', 'Man', 'No preference'], mentorKey: 'gender', anyOption: 'No preference' },
  ],
};

const TRAINING = {
  modules: ['mentoring', 'motivational interviewing', 'goal setting', 'action planning', 'boundaries', 'confidentiality', 'safeguarding'],
  completedOn: isoDay(-30),
  trainer: 'Bristol peer support trainers',
  renewBy: isoDay(335),
};

/**
 * Peer mentoring from the admin's programme to the end of a relationship: trained mentors,
 * matching by answers and capacity, both sides agreeing, screened messages, goals reviewed at a
 * check-in, a reminder on schedule (the workers' mentoring clock is controlled), private notes,
 * the mentee's export and erasure; and what a third member, a full mentor, a lapsed mentor and a
 * member who is not a coordinator cannot do.
 */
describe('peer mentoring', () => {
  let forum: RunningHttpApp;
  let workers: WorkerApp[];
  let db: DataSource;
  let admin: Person;
  let groupId: string;
  let coordinator: Person;
  let mentor: Person;
  let lapsedMentor: Person;
  let mentee: Person;
  let secondMentee: Person;
  let outsider: Person;
  let requestId: string;
  let relationshipId: string;
  let conversationId: string;
  let goalId: string;

  beforeAll(async () => {
    const tick = { MENTORING_REMINDER_INTERVAL_SECONDS: '1' };
    const [f, ...w] = await Promise.all([startForum(), startWorker(tick), startWorker(tick)]);
    forum = f;
    workers = w;
    db = forum.app.get(DataSource);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin);
    const code = await referralCode(forum, admin, groupId);
    coordinator = await appointedSupporter(forum, admin, groupId, code);
    [mentor, lapsedMentor, mentee, secondMentee, outsider] = await Promise.all([
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
    ]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all([forum?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  const api = () => request(forum.url);

  /** Polls the author's view of the conversation until the message has left screening. */
  async function screenedMessage(author: Person, id: string, messageId: string): Promise<Json> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await api().get(`/conversations/${id}/messages`).set(bearer(author)).expect(200);
      const found = response.body.find((m: Json) => m.id === messageId);
      if (found && found.status !== 'screening') return found;
      if (Date.now() > deadline) throw new Error(`message ${messageId} still in screening`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function send(author: Person, body: string): Promise<Json> {
    const accepted = await api().post(`/conversations/${conversationId}/messages`).set(bearer(author)).send({ body, clientMsgId: randomUUID() }).expect(202);
    expect(accepted.body).toEqual({ id: expect.any(String), status: 'screening' });
    return screenedMessage(author, conversationId, accepted.body.id);
  }

  async function noticesOf(person: Person): Promise<Json[]> {
    return (await api().get('/me/notices?limit=100').set(bearer(person)).expect(200)).body.items;
  }

  it('lets only an admin set up the programme, and checks its questions', async () => {
    await api().put(`/groups/${groupId}/mentoring/programme`).set(bearer(coordinator)).send(PROGRAMME).expect(403);
    await api().put(`/groups/${groupId}/mentoring/programme`).set(bearer(mentee)).send(PROGRAMME).expect(403);
    const bad = await api()
      .put(`/groups/${groupId}/mentoring/programme`)
      .set(bearer(admin))
      .send({ ...PROGRAMME, matchingQuestions: [PROGRAMME.matchingQuestions[0], PROGRAMME.matchingQuestions[0]] })
      .expect(422);
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'matchingQuestions.1.key' })]));
    const set = await api().put(`/groups/${groupId}/mentoring/programme`).set(bearer(admin)).send(PROGRAMME).expect(200);
    expect(set.body).toMatchObject({ groupId, menteesPerMentor: 1, checkInEveryDays: 7 });
    const seen = await api().get(`/groups/${groupId}/mentoring/programme`).set(bearer(mentee)).expect(200);
    expect(seen.body.matchingQuestions).toHaveLength(3);
  });

  it('approves trained members as mentors, with their training record', async () => {
    await api()
      .put(`/groups/${groupId}/mentoring/mentors/${mentor.id}`)
      .set(bearer(admin))
      .send({ training: { ...TRAINING, renewBy: TRAINING.completedOn } })
      .expect(422);
    await api().put(`/groups/${groupId}/mentoring/mentors/${mentor.id}`).set(bearer(coordinator)).send({ training: TRAINING }).expect(403);
    const approved = await api()
      .put(`/groups/${groupId}/mentoring/mentors/${mentor.id}`)
      .set(bearer(admin))
      .send({ training: TRAINING, answers: { ageBand: '40-59', treatment: 'Tablets', gender: 'Woman' } })
      .expect(200);
    expect(approved.body).toMatchObject({ mentor: { id: mentor.id }, trainingCurrent: true, capacity: 1, load: 0, training: { trainer: TRAINING.trainer } });
    // Trained two years ago, renewal due last year: approved, but lapsed.
    const lapsed = await api()
      .put(`/groups/${groupId}/mentoring/mentors/${lapsedMentor.id}`)
      .set(bearer(admin))
      .send({
        training: { ...TRAINING, completedOn: isoDay(-730), renewBy: isoDay(-365) },
        answers: { ageBand: '40-59', treatment: 'Tablets', gender: 'Woman' },
      })
      .expect(200);
    expect(lapsed.body.trainingCurrent).toBe(false);
    // Approved mentors join the group's supervision thread; other members do not reach it.
    const thread = await api().get(`/groups/${groupId}/supervision`).set(bearer(mentor)).expect(200);
    expect(thread.body.participants).toEqual(expect.arrayContaining([expect.objectContaining({ id: mentor.id, role: 'staff' })]));
    await api().get(`/groups/${groupId}/supervision`).set(bearer(outsider)).expect(404);
  });

  it('takes a member’s request with answers to the matching questions, once', async () => {
    const wrong = await api()
      .post(`/groups/${groupId}/mentoring/requests`)
      .set(bearer(mentee))
      .send({ answers: { ageBand: '40-59', treatment: 'Magic beans', preferredGender: 'Woman' } })
      .expect(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'answers.treatment' })]);
    const asked = await api()
      .post(`/groups/${groupId}/mentoring/requests`)
      .set(bearer(mentee))
      .send({ answers: { ageBand: '40-59', treatment: 'Tablets', preferredGender: 'Woman' } })
      .expect(201);
    requestId = asked.body.id;
    expect(asked.body).toMatchObject({ status: 'open', mentee: { id: mentee.id } });
    const again = await api()
      .post(`/groups/${groupId}/mentoring/requests`)
      .set(bearer(mentee))
      .send({ answers: { ageBand: '40-59', treatment: 'Tablets', preferredGender: 'Woman' } })
      .expect(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('shows coordinators suggested matches ranked by answers and capacity, never a lapsed mentor; members see none of it', async () => {
    const open = await api().get(`/groups/${groupId}/mentoring/requests`).set(bearer(coordinator)).expect(200);
    expect(open.body.map((r: Json) => r.id)).toContain(requestId);
    const suggestions = await api().get(`/mentoring/requests/${requestId}/suggestions`).set(bearer(coordinator)).expect(200);
    expect(suggestions.body).toEqual([expect.objectContaining({ mentor: expect.objectContaining({ id: mentor.id }), score: 3, spareCapacity: 1 })]);
    await api().get(`/mentoring/requests/${requestId}/suggestions`).set(bearer(outsider)).expect(404);
    await api().get(`/groups/${groupId}/mentoring/requests`).set(bearer(outsider)).expect(403);
    await api().get(`/groups/${groupId}/mentoring/mentors`).set(bearer(outsider)).expect(403);
  });

  it('refuses a mentor whose training has lapsed', async () => {
    const refused = await api().post(`/mentoring/requests/${requestId}/match`).set(bearer(coordinator)).send({ mentorId: lapsedMentor.id }).expect(409);
    expect(refused.body.detail).toMatch(/renewed/);
    await api().post(`/mentoring/requests/${requestId}/match`).set(bearer(coordinator)).send({ mentorId: mentee.id }).expect(409);
    await api().post(`/mentoring/requests/${requestId}/match`).set(bearer(outsider)).send({ mentorId: mentor.id }).expect(404);
  });

  it('matches, and starts only once both sides agree', async () => {
    const matched = await api().post(`/mentoring/requests/${requestId}/match`).set(bearer(coordinator)).send({ mentorId: mentor.id }).expect(201);
    relationshipId = matched.body.id;
    expect(matched.body).toMatchObject({ status: 'proposed', conversationId: null, mentor: { id: mentor.id }, mentee: { id: mentee.id } });
    // A second coordinator click on the same request matches nothing more.
    await api().post(`/mentoring/requests/${requestId}/match`).set(bearer(coordinator)).send({ mentorId: mentor.id }).expect(409);
    await api().post(`/mentoring/relationships/${relationshipId}/agree`).set(bearer(outsider)).expect(404);
    const half = await api().post(`/mentoring/relationships/${relationshipId}/agree`).set(bearer(mentee)).expect(200);
    expect(half.body).toMatchObject({ status: 'proposed', conversationId: null, myRole: 'mentee' });
    await api()
      .post(`/mentoring/relationships/${relationshipId}/goals`)
      .set(bearer(mentee))
      .send({ what: 'Too soon', byWhen: isoDay(30), confidence: 5 })
      .expect(409);
    const both = await api().post(`/mentoring/relationships/${relationshipId}/agree`).set(bearer(mentor)).expect(200);
    expect(both.body).toMatchObject({ status: 'active', myRole: 'mentor', conversationId: expect.any(String), nextCheckInDue: expect.any(String) });
    conversationId = both.body.conversationId;
    const conversation = await api().get(`/conversations/${conversationId}`).set(bearer(mentee)).expect(200);
    expect(conversation.body).toMatchObject({ kind: 'mentoring', status: 'open', canWrite: true });
    expect(conversation.body.participants.map((p: Json) => p.role).sort()).toEqual(['mentee', 'mentor']);
  });

  it('will not match a mentor who is at capacity', async () => {
    const asked = await api()
      .post(`/groups/${groupId}/mentoring/requests`)
      .set(bearer(secondMentee))
      .send({ answers: { ageBand: '60+', treatment: 'Diet', preferredGender: 'No preference' } })
      .expect(201);
    const suggestions = await api().get(`/mentoring/requests/${asked.body.id}/suggestions`).set(bearer(coordinator)).expect(200);
    expect(suggestions.body).toEqual([]);
    const refused = await api().post(`/mentoring/requests/${asked.body.id}/match`).set(bearer(coordinator)).send({ mentorId: mentor.id }).expect(409);
    expect(refused.body.detail).toMatch(/most this programme allows/);
    const loads = await api().get(`/groups/${groupId}/mentoring/mentors`).set(bearer(coordinator)).expect(200);
    expect(loads.body.find((m: Json) => m.mentor.id === mentor.id)).toMatchObject({ load: 1, capacity: 1 });
  });

  it('gives a mentor with one place left to one of two requests matched at the same moment', async () => {
    const code = await referralCode(forum, admin, groupId);
    const [newMentor, first, second] = await Promise.all([
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
      joinedMember(forum, groupId, code),
    ]);
    await api().put(`/groups/${groupId}/mentoring/mentors/${newMentor.id}`).set(bearer(admin)).send({ training: TRAINING }).expect(200);
    const asks = await Promise.all(
      [first, second].map((who) =>
        api()
          .post(`/groups/${groupId}/mentoring/requests`)
          .set(bearer(who))
          .send({ answers: { ageBand: '18-39', treatment: 'Insulin', preferredGender: 'No preference' } })
          .expect(201),
      ),
    );
    const answers = await Promise.all(
      asks.map((a) => api().post(`/mentoring/requests/${a.body.id}/match`).set(bearer(coordinator)).send({ mentorId: newMentor.id })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  });

  it('screens every message: ordinary words reach the other side, a phone number is held for review', async () => {
    const hello = await send(mentor, 'Hello, I am glad we were matched. How has this week been?');
    expect(hello.status).toBe('published');
    const phone = await send(mentee, PHONE_BODY);
    expect(phone.status).toBe('held');
    const after = await send(mentee, 'It has been a mixed week, thank you for asking.');
    expect(after.status).toBe('published');
    // The mentor reads the later message, so the held one would have been there too.
    const seen = await api().get(`/conversations/${conversationId}/messages`).set(bearer(mentor)).expect(200);
    expect(seen.body.map((m: Json) => m.id)).toEqual([hello.id, after.id]);
    expect(JSON.stringify(seen.body)).not.toContain('07700');
    const since = await api().get(`/conversations/${conversationId}/messages?after=${hello.id}`).set(bearer(mentor)).expect(200);
    expect(since.body.map((m: Json) => m.id)).toEqual([after.id]);
    const items = (await api().get(`/groups/${groupId}/review-items?status=open`).set(bearer(coordinator)).expect(200)).body.items as Json[];
    const item = items.find((i) => i.subject?.id === phone.id);
    expect(item).toMatchObject({
      kind: 'conversation-message',
      priority: 'normal',
      reasons: expect.arrayContaining([expect.objectContaining({ source: 'personal-data' })]),
    });
    // A coordinator decides it like any held words: removed, citing the clause, and the mentee is told why.
    await api().post(`/review-items/${item!.id}/decision`).set(bearer(coordinator)).send({ action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
    const mine = (await api().get(`/conversations/${conversationId}/messages`).set(bearer(mentee)).expect(200)).body as Json[];
    expect(mine.find((m) => m.id === phone.id)).toMatchObject({ status: 'removed' });
    expect((await noticesOf(mentee)).find((n) => n.kind === 'removal' && n.subjectId === phone.id)).toMatchObject({ clauseKey: 'stay-unidentifiable' });
    const theirs = (await api().get(`/conversations/${conversationId}/messages`).set(bearer(mentor)).expect(200)).body as Json[];
    expect(theirs.map((m) => m.id)).not.toContain(phone.id);
  });

  it('raises an urgent item for the coordinators on crisis words, and signposts the mentee', async () => {
    const crisis = await send(mentee, CRISIS_BODY);
    expect(crisis.status).toBe('held');
    expect(JSON.stringify(crisis.signposting)).toContain('116 123');
    const signposting = (await noticesOf(mentee)).find((n) => n.kind === 'signposting' && n.subjectId === crisis.id);
    expect(JSON.stringify(signposting?.resources)).toContain('116 123');
    const items = (await api().get(`/groups/${groupId}/review-items?status=open`).set(bearer(coordinator)).expect(200)).body.items as Json[];
    expect(items[0]).toMatchObject({
      priority: 'urgent',
      kind: 'conversation-message',
      subject: expect.objectContaining({ id: crisis.id, body: CRISIS_BODY }),
    });
  });

  it('keeps the conversation to its two people: a third member and a coordinator can neither read nor write', async () => {
    for (const stranger of [outsider, coordinator]) {
      await api().get(`/conversations/${conversationId}`).set(bearer(stranger)).expect(404);
      await api().get(`/conversations/${conversationId}/messages`).set(bearer(stranger)).expect(404);
      await api().post(`/conversations/${conversationId}/messages`).set(bearer(stranger)).send({ body: 'let me in', clientMsgId: randomUUID() }).expect(404);
    }
    // Another conversation's message id cannot anchor a page here.
    await api().get(`/conversations/${conversationId}/messages?after=${randomUUID()}`).set(bearer(mentee)).expect(422);
  });

  it('sets a goal with an action plan and reviews it at a check-in', async () => {
    const goal = await api()
      .post(`/mentoring/relationships/${relationshipId}/goals`)
      .set(bearer(mentee))
      .send({ what: 'Walk for 20 minutes after dinner three times a week', byWhen: isoDay(28), confidence: 4 })
      .expect(201);
    goalId = goal.body.id;
    expect(goal.body).toMatchObject({ confidence: 4, status: 'open', reviews: [] });
    await api()
      .post(`/mentoring/relationships/${relationshipId}/goals`)
      .set(bearer(mentee))
      .send({ what: 'x', byWhen: isoDay(28), confidence: 11 })
      .expect(422);
    await api()
      .post(`/mentoring/relationships/${relationshipId}/goals`)
      .set(bearer(outsider))
      .send({ what: 'Mine', byWhen: isoDay(28), confidence: 4 })
      .expect(404);
    const checkIn = await api()
      .post(`/mentoring/relationships/${relationshipId}/check-ins`)
      .set(bearer(mentor))
      .send({ reviews: [{ goalId, confidence: 7, status: 'open' }] })
      .expect(201);
    expect(new Date(checkIn.body.nextCheckInDue).getTime()).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    await api()
      .post(`/mentoring/relationships/${relationshipId}/check-ins`)
      .set(bearer(mentor))
      .send({ reviews: [{ goalId: randomUUID(), confidence: 7, status: 'open' }] })
      .expect(422);
    const goals = await api().get(`/mentoring/relationships/${relationshipId}/goals`).set(bearer(mentee)).expect(200);
    expect(goals.body).toEqual([
      expect.objectContaining({ id: goalId, confidence: 7, reviews: [expect.objectContaining({ checkInId: checkIn.body.id, confidence: 7 })] }),
    ]);
  });

  it('keeps session notes to the mentor and the coordinators, with contact details masked', async () => {
    const note = await api()
      .post(`/mentoring/relationships/${relationshipId}/notes`)
      .set(bearer(mentor))
      .send({ body: 'Talked through walking after meals; worried about evenings. Said to ring 07700 900456.' })
      .expect(201);
    expect(note.body.body).not.toContain('07700 900456');
    await api().post(`/mentoring/relationships/${relationshipId}/notes`).set(bearer(mentee)).send({ body: 'my own note' }).expect(403);
    await api().get(`/mentoring/relationships/${relationshipId}/notes`).set(bearer(mentee)).expect(403);
    await api().get(`/mentoring/relationships/${relationshipId}/notes`).set(bearer(outsider)).expect(404);
    const read = await api().get(`/mentoring/relationships/${relationshipId}/notes`).set(bearer(coordinator)).expect(200);
    expect(read.body).toEqual([expect.objectContaining({ id: note.body.id, menteeId: mentee.id })]);
  });

  it('reminds both once when the check-in falls due on the workers’ clock, and shows coordinators it is overdue', async () => {
    const ahead = () => new Date(Date.now() + 8 * DAY_MS);
    const runs = workers.map((w) => jest.spyOn(w.context.get(MentoringService), 'remindDue'));
    for (const w of workers) jest.spyOn(w.context.get(MentoringClock), 'now').mockImplementation(ahead);
    jest.spyOn(forum.app.get(MentoringClock), 'now').mockImplementation(ahead);
    const reminders = async (person: Person) =>
      (await noticesOf(person)).filter((n) => n.kind === 'mentoring' && n.subjectId === relationshipId && /check-in is due/.test(n.message));

    const deadline = Date.now() + 20_000;
    while ((await reminders(mentee)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await reminders(mentee)).toHaveLength(1);
    // Three more runs after the reminder went out (every run sees the same due check-in): still one each.
    const total = () => runs.reduce((n, spy) => n + spy.mock.calls.length, 0);
    const seenRuns = total();
    while (total() < seenRuns + 3 && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 200));
    expect(total()).toBeGreaterThanOrEqual(seenRuns + 3);
    await Promise.all(runs.map((spy) => Promise.all(spy.mock.results.map((r) => r.value))));
    expect(await reminders(mentee)).toHaveLength(1);
    expect(await reminders(mentor)).toHaveLength(1);

    const loads = await api().get(`/groups/${groupId}/mentoring/mentors`).set(bearer(coordinator)).expect(200);
    expect(loads.body.find((m: Json) => m.mentor.id === mentor.id)).toMatchObject({ load: 1, overdueCheckIns: 1 });
    const list = await api().get(`/groups/${groupId}/mentoring/relationships`).set(bearer(coordinator)).expect(200);
    expect(list.body.find((r: Json) => r.id === relationshipId)).toMatchObject({ overdue: true });
    jest.restoreAllMocks();
  });

  it('ends when either side asks, closing the conversation for both; only coordinators read why', async () => {
    await api().post(`/mentoring/relationships/${relationshipId}/end`).set(bearer(outsider)).send({ reason: 'no' }).expect(404);
    await api().post(`/mentoring/relationships/${relationshipId}/end`).set(bearer(mentee)).send({ reason: '   ' }).expect(422);
    const ended = await api().post(`/mentoring/relationships/${relationshipId}/end`).set(bearer(mentee)).send({ reason: 'We did not get on.' }).expect(200);
    expect(ended.body.status).toBe('ended');
    expect(ended.body.endReason).toBeUndefined();
    for (const side of [mentor, mentee]) {
      const refused = await api()
        .post(`/conversations/${conversationId}/messages`)
        .set(bearer(side))
        .send({ body: 'Are you still there?', clientMsgId: randomUUID() })
        .expect(409);
      expect(refused.body.detail).toMatch(/closed/);
      const seen = await api().get(`/conversations/${conversationId}`).set(bearer(side)).expect(200);
      expect(seen.body).toMatchObject({ status: 'closed', canWrite: false });
    }
    const forMentor = await api().get(`/mentoring/relationships/${relationshipId}`).set(bearer(mentor)).expect(200);
    expect(forMentor.body.endReason).toBeUndefined();
    expect(JSON.stringify((await api().get('/me/mentoring').set(bearer(mentor)).expect(200)).body)).not.toContain('did not get on');
    const forCoordinator = await api().get(`/mentoring/relationships/${relationshipId}`).set(bearer(coordinator)).expect(200);
    expect(forCoordinator.body).toMatchObject({ endReason: 'We did not get on.', endedBy: mentee.id });
    await api().post(`/mentoring/relationships/${relationshipId}/end`).set(bearer(mentor)).send({ reason: 'again' }).expect(409);
  });

  it('exports the mentee’s goals, answers and the notes about them, and the mentor’s notes to the mentor', async () => {
    const exported = (await api().get('/me/export').set(bearer(mentee)).expect(200)).body;
    expect(exported.mentoring.requests).toEqual([
      expect.objectContaining({ id: requestId, answers: { ageBand: '40-59', treatment: 'Tablets', preferredGender: 'Woman' } }),
    ]);
    expect(exported.mentoring.goals).toEqual([expect.objectContaining({ id: goalId, what: 'Walk for 20 minutes after dinner three times a week' })]);
    expect(exported.mentoring.checkIns).toHaveLength(1);
    expect(exported.mentoring.notesAboutMe).toEqual([expect.objectContaining({ body: expect.stringContaining('walking after meals') })]);
    expect(exported.mentoring.relationships).toEqual([expect.objectContaining({ id: relationshipId, role: 'mentee', endReasonIGave: 'We did not get on.' })]);
    expect(JSON.stringify(exported.conversations.messages)).toContain('mixed week');
    const mentors = (await api().get('/me/export').set(bearer(mentor)).expect(200)).body;
    expect(mentors.mentoring.notesIWrote).toHaveLength(1);
    expect(mentors.mentoring.notesAboutMe).toEqual([]);
    expect(mentors.mentoring.asMentor).toEqual([expect.objectContaining({ trainer: TRAINING.trainer, renewBy: TRAINING.renewBy })]);
  });

  it('erases the notes with the mentor’s account, and the mentee’s goals, answers and notes with theirs', async () => {
    const count = async (sql: string, params: unknown[]) => Number((await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n);
    await api().delete('/me').set(bearer(mentor)).send({ password: mentor.password }).expect(204);
    expect(await count(`mentoring_session_notes WHERE relationship_id = $1`, [relationshipId])).toBe(0);
    expect(await count(`mentors WHERE user_id = $1`, [mentor.id])).toBe(0);
    expect(await count(`mentoring_goals WHERE relationship_id = $1`, [relationshipId])).toBe(1);

    await api().delete('/me').set(bearer(mentee)).send({ password: mentee.password }).expect(204);
    expect(await count(`mentoring_relationships WHERE id = $1`, [relationshipId])).toBe(0);
    expect(await count(`mentoring_goals WHERE relationship_id = $1`, [relationshipId])).toBe(0);
    expect(await count(`mentoring_check_ins WHERE relationship_id = $1`, [relationshipId])).toBe(0);
    expect(await count(`mentoring_requests WHERE mentee_id = $1 OR id = $2`, [mentee.id, requestId])).toBe(0);
    expect(await count(`conversation_messages WHERE conversation_id = $1 AND body <> ''`, [conversationId])).toBe(0);
    // The crisis words stay only on the open urgent item, until a coordinator has read them (PRIVACY.md).
    const items = (await api().get(`/groups/${groupId}/review-items?status=open`).set(bearer(coordinator)).expect(200)).body.items as Json[];
    expect(items.find((i) => i.priority === 'urgent' && i.kind === 'conversation-message')).toMatchObject({
      subjectChange: 'erased',
      subject: expect.objectContaining({ body: CRISIS_BODY }),
    });
  });
});
