import request from 'supertest';
import { DEFAULT_MEASURE_ID, QuestionnairesService } from '@kindred/outcomes';
import { QueueProducer } from '@kindred/queues';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { enrolTotp } from '../support/mfa';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;
const DAY = 86_400_000;

/**
 * Outcome questionnaires go out through notices at baseline and at the attachment's intervals. The
 * clock is the test's: each worker's QuestionnairesService.tick(now) is called with a chosen time,
 * by two workers at once, as the BullMQ job scheduler would on a busy tick.
 */
describe('outcome questionnaires', () => {
  let forum: RunningHttpApp;
  let workers: WorkerApp[];
  let admin: Person;
  let groupId: string;
  let otherGroupId: string;
  let code: string;
  let members: Person[];

  beforeAll(async () => {
    const [f, ...w] = await Promise.all([startForum(), startWorker(), startWorker()]);
    forum = f;
    workers = w;
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin);
    otherGroupId = await createGroup(forum, admin);
    code = await referralCode(forum, admin, groupId);
    members = [];
    for (let i = 0; i < 3; i += 1) members.push(await joinedMember(forum, groupId, code));
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  const ticks = (now: Date) => Promise.all(workers.map((w) => w.context.get(QuestionnairesService).tick(now)));
  const mine = async (person: Person): Promise<Json[]> =>
    (await request(forum.url).get('/me/questionnaires').set(bearer(person)).expect(200)).body.filter((q: Json) => q.groupId === groupId);
  const notices = async (person: Person): Promise<Json[]> =>
    (await request(forum.url).get('/me/notices?limit=100').set(bearer(person)).expect(200)).body.items.filter((n: Json) => n.kind === 'questionnaire');

  it('runs as a BullMQ repeatable job in the worker', async () => {
    const schedulers = await workers[0]!.context.get(QueueProducer).queue('outcomes').getJobSchedulers();
    expect(schedulers.find((j) => j.name === 'tick')?.every).toBeTruthy();
  });

  it('lets only platform admins attach measures, with valid intervals, to a group that exists', async () => {
    const member = members[0]!;
    await request(forum.url).get('/outcome-measures').set(bearer(member)).expect(403);
    await request(forum.url)
      .post(`/groups/${groupId}/outcome-measures`)
      .set(bearer(member))
      .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3, 6] })
      .expect(403);
    for (const intervalsMonths of [[], [6, 3], [0], [3.5], [40], ['3']]) {
      const refused = await request(forum.url)
        .post(`/groups/${groupId}/outcome-measures`)
        .set(bearer(admin))
        .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths });
      expect(refused.status).toBe(422);
    }
    await request(forum.url)
      .post(`/groups/00000000-0000-4000-8000-000000000000/outcome-measures`)
      .set(bearer(admin))
      .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3] })
      .expect(404);
    await request(forum.url)
      .post(`/groups/${groupId}/outcome-measures`)
      .set(bearer(admin))
      .send({ measureId: 'nope', intervalsMonths: [3] })
      .expect(404);

    const measures = (await request(forum.url).get('/outcome-measures').set(bearer(admin)).expect(200)).body as Json[];
    const builtIn = measures.find((m) => m.id === DEFAULT_MEASURE_ID)!;
    expect(builtIn).toMatchObject({ builtIn: true });
    expect(builtIn.questions.map((q: Json) => [q.key, q.scale.min, q.scale.max])).toEqual([
      ['confidence', 0, 10],
      ['knowing-where-to-get-help', 0, 10],
      ['less-alone', 0, 10],
    ]);
  });

  it('lets admins define a measure of their own, refusing a malformed scale field by field', async () => {
    const refused = await request(forum.url)
      .post('/outcome-measures')
      .set(bearer(admin))
      .send({
        title: 'Sleep',
        questions: [
          { key: 'sleep', text: 'How well do you sleep?', scale: { min: 5, max: 5, minLabel: 'Badly', maxLabel: 'Well' } },
          { key: 'sleep', text: '', scale: { min: 0, max: 4, minLabel: 'Badly', maxLabel: 'Well' } },
        ],
      })
      .expect(422);
    expect(refused.body.errors.map((e: Json) => e.field)).toEqual(expect.arrayContaining(['questions[0].scale', 'questions[1].key', 'questions[1].text']));
    const made = await request(forum.url)
      .post('/outcome-measures')
      .set(bearer(admin))
      .send({
        title: 'Sleep',
        questions: [{ key: 'sleep', text: 'How well have you slept this week?', scale: { min: 1, max: 5, minLabel: 'Very badly', maxLabel: 'Very well' } }],
      })
      .expect(201);
    expect(made.body).toMatchObject({ builtIn: false, questions: [expect.objectContaining({ key: 'sleep' })] });
  });

  let baselineSentAt: number;

  it('sends the baseline once to each member, with a notice, however many workers tick together', async () => {
    await request(forum.url)
      .post(`/groups/${groupId}/outcome-measures`)
      .set(bearer(admin))
      .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3, 6] })
      .expect(201);
    await request(forum.url)
      .post(`/groups/${groupId}/outcome-measures`)
      .set(bearer(admin))
      .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3] })
      .expect(409);
    const now = new Date();
    await ticks(now);
    await ticks(new Date(now.getTime() + 1000));
    for (const member of members) {
      const sent = await mine(member);
      expect(sent.map((q) => q.wave)).toEqual([0]);
      expect(sent[0]).toMatchObject({ measureId: DEFAULT_MEASURE_ID, answers: null, answeredAt: null });
      const told = (await notices(member)).filter((n) => n.subjectId === sent[0]!.id);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ groupId });
    }
    baselineSentAt = Date.parse((await mine(members[0]!))[0]!.sentAt);
    // A member of another group, where nothing is attached, is asked nothing.
    const otherCode = await referralCode(forum, admin, otherGroupId);
    const outsider = await joinedMember(forum, otherGroupId, otherCode);
    await ticks(new Date(now.getTime() + 2000));
    expect((await request(forum.url).get('/me/questionnaires').set(bearer(outsider)).expect(200)).body).toEqual([]);
  });

  it('sends the 3-month follow-up when three months have passed, not before, and the 6-month one after that', async () => {
    await ticks(new Date(baselineSentAt + 85 * DAY));
    expect((await mine(members[0]!)).map((q) => q.wave)).toEqual([0]);

    const threeMonths = new Date(baselineSentAt);
    threeMonths.setUTCMonth(threeMonths.getUTCMonth() + 3);
    await ticks(new Date(threeMonths.getTime() + 60_000));
    await ticks(new Date(threeMonths.getTime() + 120_000));
    for (const member of members) expect((await mine(member)).map((q) => q.wave).sort()).toEqual([0, 3]);

    const sixMonths = new Date(baselineSentAt);
    sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
    await ticks(new Date(sixMonths.getTime() - 60_000));
    expect((await mine(members[0]!)).map((q) => q.wave).sort()).toEqual([0, 3]);
    await ticks(new Date(sixMonths.getTime() + 60_000));
    for (const member of members) {
      expect((await mine(member)).map((q) => q.wave).sort()).toEqual([0, 3, 6]);
      expect(await notices(member)).toHaveLength(3);
    }
  });

  it('asks a member who joins later from their own baseline', async () => {
    const late = await joinedMember(forum, groupId, code);
    const now = new Date();
    await ticks(now);
    const sent = await mine(late);
    expect(sent.map((q) => q.wave)).toEqual([0]);
    const threeMonths = new Date(Date.parse(sent[0]!.sentAt));
    threeMonths.setUTCMonth(threeMonths.getUTCMonth() + 3);
    await ticks(new Date(threeMonths.getTime() - 60_000));
    expect((await mine(late)).map((q) => q.wave)).toEqual([0]);
    await ticks(new Date(threeMonths.getTime() + 60_000));
    expect((await mine(late)).map((q) => q.wave).sort()).toEqual([0, 3]);
  });

  it('takes answers on the scale only, once, and only from the member asked', async () => {
    const [member, other] = members as [Person, Person];
    const baseline = (await mine(member)).find((q) => q.wave === 0)!;
    const answer = (who: Person, answers: unknown, id = baseline.id) =>
      request(forum.url).post(`/questionnaires/${id}/answers`).set(bearer(who)).send({ answers });

    const wrong: Array<[unknown, string]> = [
      [{ confidence: 11, 'knowing-where-to-get-help': 4, 'less-alone': 7 }, 'answers.confidence'],
      [{ confidence: -1, 'knowing-where-to-get-help': 4, 'less-alone': 7 }, 'answers.confidence'],
      [{ confidence: 5.5, 'knowing-where-to-get-help': 4, 'less-alone': 7 }, 'answers.confidence'],
      [{ confidence: '7', 'knowing-where-to-get-help': 4, 'less-alone': 7 }, 'answers.confidence'],
      [{ confidence: 7, 'knowing-where-to-get-help': 4 }, 'answers.less-alone'],
      [{ confidence: 7, 'knowing-where-to-get-help': 4, 'less-alone': 7, sneaky: 3 }, 'answers.sneaky'],
      [{ confidence: 1e308, 'knowing-where-to-get-help': 4, 'less-alone': 7 }, 'answers.confidence'],
    ];
    for (const [answers, field] of wrong) {
      const refused = await answer(member, answers).expect(422);
      expect(refused.body.errors.map((e: Json) => e.field)).toContain(field);
    }
    await answer(member, [1, 2, 3]).expect(422);
    await answer(member, 'seven').expect(422);

    // Someone else's questionnaire does not exist for them: another member, the admin.
    const valid = { confidence: 6, 'knowing-where-to-get-help': 4, 'less-alone': 7 };
    await answer(other, valid).expect(404);
    await answer(admin, valid).expect(404);
    await request(forum.url).get(`/questionnaires/${baseline.id}`).set(bearer(other)).expect(404);
    await request(forum.url).get(`/questionnaires/${baseline.id}`).set(bearer(admin)).expect(404);
    await request(forum.url).get(`/questionnaires/not-an-id`).set(bearer(member)).expect(404);

    const answered = await answer(member, valid).expect(200);
    expect(answered.body).toMatchObject({ answers: valid, answeredAt: expect.any(String) });
    await answer(member, { ...valid, confidence: 9 }).expect(409);
    expect((await request(forum.url).get(`/questionnaires/${baseline.id}`).set(bearer(member)).expect(200)).body.answers).toEqual(valid);
  });

  it('sends nothing more once the admin ends the attachment', async () => {
    const attachments = (await request(forum.url).get(`/groups/${groupId}/outcome-measures`).set(bearer(admin)).expect(200)).body as Json[];
    const live = attachments.find((a) => a.endedAt === null)!;
    await request(forum.url).delete(`/groups/${otherGroupId}/outcome-measures/${live.id}`).set(bearer(admin)).expect(404);
    await request(forum.url).delete(`/groups/${groupId}/outcome-measures/${live.id}`).set(bearer(members[0]!)).expect(403);
    await request(forum.url).delete(`/groups/${groupId}/outcome-measures/${live.id}`).set(bearer(admin)).expect(204);
    await request(forum.url).delete(`/groups/${groupId}/outcome-measures/${live.id}`).set(bearer(admin)).expect(409);
    const joiner = await joinedMember(forum, groupId, code);
    await ticks(new Date());
    expect(await mine(joiner)).toEqual([]);
  });

  it('puts the answers in the member’s export and erases them with the account', async () => {
    const member = members[0]!;
    const exported = (await request(forum.url).get('/me/export').set(bearer(member)).expect(200)).body;
    const questionnaires = exported.outcomes.questionnaires as Json[];
    expect(questionnaires.map((q) => q.wave).sort()).toEqual([0, 3, 6]);
    expect(questionnaires.find((q) => q.wave === 0)).toMatchObject({
      answers: { confidence: 6, 'knowing-where-to-get-help': 4, 'less-alone': 7 },
      measure: 'Living with my condition',
    });
    const other = (await request(forum.url).get('/me/export').set(bearer(members[1]!)).expect(200)).body;
    expect(other.outcomes.questionnaires.every((q: Json) => q.answers === null)).toBe(true);

    await request(forum.url).delete('/me').set(bearer(member)).send({ password: member.password }).expect(204);
    const { DataSource } = await import('typeorm');
    const db = forum.app.get(DataSource);
    expect(await db.query(`SELECT id FROM questionnaires WHERE user_id = $1`, [member.id])).toEqual([]);
  });

  it('asks a commissioner for two-step sign-in, like other staff', async () => {
    const commissioner = await registerAndLogin(forum.url);
    await request(forum.url).get(`/impact/report?groupId=${groupId}`).set(bearer(commissioner)).expect(403);
    await request(forum.url).post('/commissioners').set(bearer(admin)).send({ userId: commissioner.id, groupId }).expect(201);
    const refused = await request(forum.url).get(`/impact/report?groupId=${groupId}`).set(bearer(commissioner)).expect(403);
    expect(refused.body.code).toBe('MFA_REQUIRED');
    await enrolTotp(forum.url, commissioner);
    await request(forum.url).get(`/impact/report?groupId=${groupId}`).set(bearer(commissioner)).expect(200);
  });
});
