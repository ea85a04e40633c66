import request from 'supertest';
import { DataSource } from 'typeorm';
import { DEFAULT_MEASURE_ID, QuestionnairesService } from '@kindred/outcomes';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { enrolTotp } from '../support/mfa';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/** Held for review: personal data in the body. */
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk.';

const month = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
/** Every number in a report that is a figure (not a wave, a scale's end or the threshold), with where it is. */
function figures(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return [`${path}=${value}`];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (['wave', 'min', 'max', 'minimumCell'].includes(key) ? [] : figures(v, `${path}.${key}`)));
}

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;

/**
 * The impact report on data seeded through the API, checked against a count by hand: group A has
 * twelve members (two of them since last month), thirteen published posts by twelve people, ten
 * review decisions, and ten people who answered both the baseline and the 3-month follow-up; group B
 * has three of everything, so each of its cells is withheld, in the JSON, the CSV and for the
 * commissioner alike.
 */
describe('impact report', () => {
  let forum: RunningHttpApp;
  let workers: WorkerApp[];
  let db: DataSource;
  let admin: Person;
  let groupA: string;
  let groupB: string;
  let a: Person[];
  let b: Person[];
  let commissioner: Person;
  const now = new Date();
  const thisMonth = month(now);
  const lastMonth = month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
  // Answers by hand: member i answers baseline (i % 5, 3, 10 - i % 3) and, at 3 months, (i % 5 + 2, 5, 10 - i % 3).
  const baselineOf = (i: number) => ({ confidence: i % 5, 'knowing-where-to-get-help': 3, 'less-alone': 10 - (i % 3) });
  const followUpOf = (i: number) => ({ confidence: (i % 5) + 2, 'knowing-where-to-get-help': 5, 'less-alone': 10 - (i % 3) });

  const ticks = (at: Date) => Promise.all(workers.map((w) => w.context.get(QuestionnairesService).tick(at)));
  const report = (who: Person, query: string) => request(forum.url).get(`/impact/report?${query}`).set(bearer(who));
  const csv = (who: Person, query: string) => request(forum.url).get(`/impact/report.csv?${query}`).set(bearer(who));

  async function post(author: Person, groupId: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'How this week went', body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function answerAll(people: Person[], wave: number, answersOf: (i: number) => Json, count = people.length) {
    for (let i = 0; i < count; i += 1) {
      const mine = (await request(forum.url).get('/me/questionnaires').set(bearer(people[i]!)).expect(200)).body as Json[];
      const q = mine.find((x) => x.wave === wave)!;
      await request(forum.url)
        .post(`/questionnaires/${q.id}/answers`)
        .set(bearer(people[i]!))
        .send({ answers: answersOf(i) })
        .expect(200);
    }
  }

  beforeAll(async () => {
    const [f, ...w] = await Promise.all([startForum(), startWorker(), startWorker()]);
    forum = f;
    workers = w;
    db = forum.app.get(DataSource);
    admin = await createAdmin(forum);
    groupA = await createGroup(forum, admin);
    groupB = await createGroup(forum, admin);
    const codeA = await referralCode(forum, admin, groupA);
    const codeB = await referralCode(forum, admin, groupB);
    a = [];
    b = [];
    for (let i = 0; i < 12; i += 1) a.push(await joinedMember(forum, groupA, codeA));
    for (let i = 0; i < 3; i += 1) b.push(await joinedMember(forum, groupB, codeB));
    // Two of group A joined last month.
    await db.query(`UPDATE memberships SET joined_at = date_trunc('month', now()) - interval '3 days' WHERE group_id = $1 AND user_id = ANY($2::uuid[])`, [
      groupA,
      [a[10]!.id, a[11]!.id],
    ]);

    // Ten held posts in A, each decided (approved, so published) by the admin; three plain ones.
    for (let i = 0; i < 10; i += 1) {
      const held = await post(a[i]!, groupA, PHONE_BODY);
      expect(held.status).toBe('held');
      const items = (await request(forum.url).get(`/groups/${groupA}/review-items?status=open`).set(bearer(admin)).expect(200)).body.items as Json[];
      const item = items.find((it) => it.subject?.id === held.id)!;
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(admin)).send({ action: 'approve' }).expect(200);
    }
    for (const author of [a[0]!, a[10]!, a[11]!]) expect((await post(author, groupA, 'A good week, thank you all.')).status).toBe('published');
    // B: three posts by three people, one held and decided.
    const heldB = await post(b[0]!, groupB, PHONE_BODY);
    const itemsB = (await request(forum.url).get(`/groups/${groupB}/review-items?status=open`).set(bearer(admin)).expect(200)).body.items as Json[];
    await request(forum.url)
      .post(`/review-items/${itemsB.find((it) => it.subject?.id === heldB.id)!.id}/decision`)
      .set(bearer(admin))
      .send({ action: 'approve' })
      .expect(200);
    for (const author of [b[1]!, b[2]!]) await post(author, groupB, 'Hello everyone.');

    // The default measure in both groups; baselines now, follow-ups three months on.
    for (const groupId of [groupA, groupB]) {
      await request(forum.url)
        .post(`/groups/${groupId}/outcome-measures`)
        .set(bearer(admin))
        .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3] })
        .expect(201);
    }
    const sentAt = new Date();
    await ticks(sentAt);
    await answerAll(a, 0, baselineOf);
    await answerAll(b, 0, baselineOf);
    const later = new Date(sentAt);
    later.setUTCMonth(later.getUTCMonth() + 3);
    await ticks(new Date(later.getTime() + 3_600_000));
    await answerAll(a, 3, followUpOf, 10);
    await answerAll(b, 3, followUpOf);

    commissioner = await registerAndLogin(forum.url);
    await request(forum.url).post('/commissioners').set(bearer(admin)).send({ userId: commissioner.id, groupId: groupA }).expect(201);
    await enrolTotp(forum.url, commissioner);
    // Seeding goes through the API and the screening worker: generous on a busy machine.
  }, 180_000);

  afterAll(async () => {
    await Promise.all([forum?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  const both = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('matches the hand count for a group of twelve', async () => {
    const body = (await report(admin, `groupId=${groupA}&from=${lastMonth}&to=${thisMonth}`).expect(200)).body;
    expect(body).toMatchObject({ groupId: groupA, from: lastMonth, to: thisMonth, minimumCell: 10 });
    // No mentoring relationship in this group yet: every month counts none, and none is a cell of fewer than 10.
    expect(body.relationships.map((r: any) => r.month)).toEqual([lastMonth, thisMonth]);
    for (const r of body.relationships) expect(r).toEqual({ month: r.month, active: null, started: null });
    expect(body.members).toEqual([
      { month: lastMonth, members: null, joined: null },
      { month: thisMonth, members: 12, joined: 10 },
    ]);
    expect(body.activity).toEqual([
      { month: lastMonth, posts: null, postAuthors: null, messages: null, messageAuthors: null },
      { month: thisMonth, posts: 13, postAuthors: 12, messages: null, messageAuthors: null },
    ]);
    const decided = body.moderation.find((r: Json) => r.month === thisMonth);
    expect(decided).toMatchObject({ decisions: 10, breaches: 0, urgentDecisions: null, urgentBreaches: null });
    expect(decided.medianMinutesToDecision).toBeGreaterThanOrEqual(0);
    expect(decided.medianMinutesToDecision).toBeLessThan(30);

    const [outcome] = body.outcomes;
    expect(outcome).toMatchObject({ measureId: DEFAULT_MEASURE_ID, baselineAnswered: 12 });
    expect(outcome.waves).toHaveLength(1);
    expect(outcome.waves[0]).toMatchObject({ wave: 3, answeredBoth: 10 });
    const byKey = Object.fromEntries(outcome.waves[0].means.map((m: Json) => [m.key, m]));
    for (const key of ['confidence', 'knowing-where-to-get-help', 'less-alone'] as const) {
      expect(byKey[key]).toMatchObject({
        min: 0,
        max: 10,
        baseline: mean(both.map((i) => baselineOf(i)[key])),
        followUp: mean(both.map((i) => followUpOf(i)[key])),
      });
    }
    // By hand: confidence 0,1,2,3,4 twice = 2 at baseline, 4 at follow-up.
    expect(byKey.confidence).toMatchObject({ baseline: 2, followUp: 4 });
  });

  it('withholds every cell of a group of three, in the JSON and the CSV', async () => {
    const body = (await report(admin, `groupId=${groupB}&from=${thisMonth}&to=${thisMonth}`).expect(200)).body;
    expect(body.members).toEqual([{ month: thisMonth, members: null, joined: null }]);
    expect(body.activity).toEqual([{ month: thisMonth, posts: null, postAuthors: null, messages: null, messageAuthors: null }]);
    expect(body.moderation).toEqual([
      { month: thisMonth, decisions: null, medianMinutesToDecision: null, breaches: null, urgentDecisions: null, urgentBreaches: null },
    ]);
    expect(body.outcomes[0]).toMatchObject({ baselineAnswered: null, waves: [expect.objectContaining({ wave: 3, answeredBoth: null })] });
    for (const m of body.outcomes[0].waves[0].means) expect([m.baseline, m.followUp]).toEqual([null, null]);
    // Nothing in the answer is a count of 1 to 9 that slipped through.
    expect(figures(body)).toEqual([]);

    const text = (
      await csv(admin, `groupId=${groupB}&from=${thisMonth}&to=${thisMonth}`)
        .expect(200)
        .expect('content-type', /text\/csv/)
    ).text;
    const rows = text
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows[0]).toEqual(['section', 'period', 'figure', 'value']);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows.slice(1)) expect(row[3]).toBe('fewer than 10');
  });

  it('writes the hand-counted figures of the group of twelve in the CSV', async () => {
    const text = (await csv(admin, `groupId=${groupA}&from=${lastMonth}&to=${thisMonth}`).expect(200)).text;
    const lines = text.split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `members,${lastMonth},members,fewer than 10`,
        `members,${thisMonth},members,12`,
        `members,${thisMonth},joined,10`,
        `activity,${thisMonth},posts,13`,
        `activity,${thisMonth},post authors,12`,
        `moderation,${thisMonth},decisions,10`,
        `moderation,${thisMonth},urgent decisions,fewer than 10`,
        `outcomes: Living with my condition,baseline,people who answered,12`,
        `outcomes: Living with my condition,3 months,people who answered baseline and follow-up,10`,
        `outcomes: Living with my condition,3 months,confidence mean at baseline (0-10),2`,
        `outcomes: Living with my condition,3 months,confidence mean at follow-up (0-10),4`,
      ]),
    );
  });

  it('lets a commissioner read aggregates of their group only, and nothing about a member', async () => {
    const access = (await request(forum.url).get('/impact/access').set(bearer(commissioner)).expect(200)).body;
    expect(access).toEqual({ platform: false, groups: [{ id: groupA, name: expect.any(String) }] });
    const mine = (await report(commissioner, `groupId=${groupA}&from=${thisMonth}&to=${thisMonth}`).expect(200)).body;
    expect(mine.members).toEqual([{ month: thisMonth, members: 12, joined: 10 }]);
    await csv(commissioner, `groupId=${groupA}`).expect(200);

    // Another group's report, or every group's, is refused.
    expect((await report(commissioner, `groupId=${groupB}`).expect(403)).body.code).toBe('FORBIDDEN');
    await csv(commissioner, `groupId=${groupB}`).expect(403);
    await report(commissioner, '').expect(403);
    // Member-level endpoints: the member list, the review queue, a member's questionnaire and answers, measures, grants.
    await request(forum.url).get(`/groups/${groupA}/members`).set(bearer(commissioner)).expect(403);
    await request(forum.url).get(`/groups/${groupA}/review-items`).set(bearer(commissioner)).expect(403);
    const answered = ((await request(forum.url).get('/me/questionnaires').set(bearer(a[0]!)).expect(200)).body as Json[])[0]!;
    await request(forum.url).get(`/questionnaires/${answered.id}`).set(bearer(commissioner)).expect(404);
    await request(forum.url)
      .post(`/questionnaires/${answered.id}/answers`)
      .set(bearer(commissioner))
      .send({ answers: baselineOf(0) })
      .expect(404);
    await request(forum.url).get('/outcome-measures').set(bearer(commissioner)).expect(403);
    await request(forum.url).get(`/groups/${groupA}/outcome-measures`).set(bearer(commissioner)).expect(403);
    await request(forum.url).get('/commissioners').set(bearer(commissioner)).expect(403);
    await request(forum.url).post('/commissioners').set(bearer(commissioner)).send({ userId: commissioner.id }).expect(403);
    // The report names nobody.
    const everything = JSON.stringify(mine);
    for (const person of [...a, ...b]) {
      expect(everything).not.toContain(person.id);
      expect(everything).not.toContain(person.displayName);
    }
  });

  it('lets a platform commissioner read every group at once, until the grant ends', async () => {
    const platform = await registerAndLogin(forum.url);
    const grant = (await request(forum.url).post('/commissioners').set(bearer(admin)).send({ userId: platform.id, groupId: null }).expect(201)).body;
    expect(grant).toMatchObject({ userId: platform.id, groupId: null });
    await enrolTotp(forum.url, platform);
    const all = (await report(platform, `from=${thisMonth}&to=${thisMonth}`).expect(200)).body;
    expect(all.groupId).toBeNull();
    expect(all.members[0].members).toBeGreaterThanOrEqual(15);
    await report(platform, `groupId=${groupB}`).expect(200);
    await request(forum.url).delete(`/commissioners/${grant.id}`).set(bearer(admin)).expect(204);
    await report(platform, '').expect(403);
  });

  it('counts mentoring relationships by hand: ten started and running, then one ended and the running cell withheld', async () => {
    const api = () => request(forum.url);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await api()
      .put(`/groups/${groupA}/mentoring/programme`)
      .set(bearer(admin))
      .send({ name: 'Peer mentoring', menteesPerMentor: 5, relationshipWeeks: 12, checkInEveryDays: 14, matchingQuestions: [] })
      .expect(200);
    const training = { modules: ['mentoring', 'safeguarding'], completedOn: day(-30), trainer: 'Peer support trainers', renewBy: day(335) };
    const mentors = [a[0]!, a[1]!];
    for (const mentor of mentors) await api().put(`/groups/${groupA}/mentoring/mentors/${mentor.id}`).set(bearer(admin)).send({ training }).expect(200);
    // Ten mentees, five with each mentor; each relationship starts once both sides agree.
    const relationships: string[] = [];
    for (let i = 2; i < 12; i += 1) {
      const mentee = a[i]!;
      const mentor = mentors[i % 2]!;
      const asked = await api().post(`/groups/${groupA}/mentoring/requests`).set(bearer(mentee)).send({ answers: {} }).expect(201);
      const matched = await api().post(`/mentoring/requests/${asked.body.id}/match`).set(bearer(admin)).send({ mentorId: mentor.id }).expect(201);
      await api().post(`/mentoring/relationships/${matched.body.id}/agree`).set(bearer(mentee)).expect(200);
      const started = await api().post(`/mentoring/relationships/${matched.body.id}/agree`).set(bearer(mentor)).expect(200);
      expect(started.body.status).toBe('active');
      relationships.push(matched.body.id);
    }

    const counted = (await report(admin, `groupId=${groupA}&from=${lastMonth}&to=${thisMonth}`).expect(200)).body;
    expect(counted.relationships).toEqual([
      { month: lastMonth, active: null, started: null },
      { month: thisMonth, active: 10, started: 10 },
    ]);
    const rows = (await csv(admin, `groupId=${groupA}&from=${thisMonth}&to=${thisMonth}`).expect(200)).text.split('\r\n');
    expect(rows).toContain(`mentoring,${thisMonth},active relationships,10`);
    expect(rows).toContain(`mentoring,${thisMonth},relationships started,10`);
    // The other group has no programme: its relationships stay out of A's figures and it counts none.
    const other = (await report(admin, `groupId=${groupB}&from=${thisMonth}&to=${thisMonth}`).expect(200)).body;
    expect(other.relationships).toEqual([{ month: thisMonth, active: null, started: null }]);

    await api().post(`/mentoring/relationships/${relationships[0]}/end`).set(bearer(a[2]!)).send({ reason: 'Moving on, thank you.' }).expect(200);
    const after = (await report(admin, `groupId=${groupA}&from=${thisMonth}&to=${thisMonth}`).expect(200)).body;
    // Nine running at the month's end is a cell of fewer than ten: withheld. Ten started this month still.
    expect(after.relationships).toEqual([{ month: thisMonth, active: null, started: 10 }]);
    const afterRows = (await csv(admin, `groupId=${groupA}&from=${thisMonth}&to=${thisMonth}`).expect(200)).text.split('\r\n');
    expect(afterRows).toContain(`mentoring,${thisMonth},relationships started,10`);
    expect(afterRows).toContain(`mentoring,${thisMonth},active relationships,fewer than 10`);
  });

  it('refuses a malformed query with 4xx, never 5xx', async () => {
    await report(admin, 'from=2026-13').expect(422);
    await report(admin, 'from=2026-6').expect(422);
    await report(admin, `from=${thisMonth}&to=2020-01`).expect(422);
    await report(admin, 'from=2020-01&to=2026-12').expect(422);
    await report(admin, 'groupId=not-a-group').expect(404);
    await report(admin, 'groupId=00000000-0000-4000-8000-000000000000').expect(404);
    await report(admin, 'colour=blue').expect(422);
    await report(a[0]!, `groupId=${groupA}`).expect(403);
  });
});
