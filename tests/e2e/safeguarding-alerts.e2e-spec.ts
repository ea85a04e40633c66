import { Client } from 'pg';
import request from 'supertest';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { Mailbox, ReceivedMail, testMailbox } from '../support/mailbox';
import { bearer, Person } from '../support/people';
import { PushService, ReceivedPush, StubSubscription } from '../support/push-service';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';

type Json = Record<string, any>;

const CRISIS = 'I can’t go on, I want to kill myself tonight';
const URGENT_TITLE = 'Kindred: an urgent item needs a supporter now';

/**
 * Urgent review items reach the people who must act when nobody has Kindred open: every on-cover
 * supporter by push and mail within seconds, through their quiet hours; the admins when nobody
 * claims the item by its deadline, and again at twice it. Real forum and worker, the real SMTP
 * mailbox, and a push service that decrypts each push with the subscription's keys. The clock is
 * moved by bringing the item's deadline forward in the database, as the deadline tests do: the
 * worker's deadline timer acts when it falls due.
 */
describe('safeguarding alerts by push and mail', () => {
  let forum: RunningHttpApp;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let mailbox: Mailbox;
  let push: PushService;
  let db: Client;
  let admin: Person;
  let adminDevice: StubSubscription;
  let groupId: string;
  let groupName: string;
  let code: string;
  let supporters: Array<{ person: Person; device: StubSubscription }>;

  beforeAll(async () => {
    mailbox = await testMailbox();
    push = await PushService.start();
    const settings = { NOTIFICATIONS_TICK_SECONDS: '1' };
    [forum, worker] = await Promise.all([startForum(settings), startWorker(settings)]);
    db = new Client({ connectionString: forum.config.database.url });
    await db.connect();
    admin = await createAdmin(forum);
    adminDevice = await subscribe(admin);
    // Covered around the clock, urgent deadline ten minutes.
    groupId = await createGroup(forum, admin, { mode: 'post', urgentSlaMinutes: 10 });
    groupName = (await request(forum.url).get(`/groups/${groupId}`).set(bearer(admin)).expect(200)).body.name;
    code = await referralCode(forum, admin, groupId);
    supporters = [];
    for (let i = 0; i < 2; i += 1) {
      const person = await appointedSupporter(forum, admin, groupId, code);
      supporters.push({ person, device: await subscribe(person) });
    }
    // The first supporter keeps quiet hours all day: an urgent item comes through them all the same.
    await request(forum.url)
      .put('/me/notification-preferences')
      .set(bearer(supporters[0].person))
      .send({ timezone: 'UTC', quietHours: { from: '00:00', to: '23:59' } })
      .expect(200);
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([forum?.close(), worker?.close(), push?.close()]);
  });

  async function subscribe(person: Person): Promise<StubSubscription> {
    const subscription = push.subscription();
    await request(forum.url)
      .post('/me/push-subscriptions')
      .set(bearer(person))
      .send({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys })
      .expect(201);
    return subscription;
  }

  /** A member's crisis post, held as an urgent review item; answers the item's id. */
  async function crisisPost(): Promise<{ itemId: string; postId: string }> {
    const member = await joinedMember(forum, groupId, code);
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: 'Tonight', body: CRISIS }).expect(202);
    const post = await screened(forum, member, response.body.id);
    expect(post.status).toBe('held');
    const { rows } = await db.query(`SELECT id, priority FROM review_items WHERE subject_id = $1 AND status = 'open'`, [post.id]);
    expect(rows).toEqual([{ id: expect.any(String), priority: 'urgent' }]);
    return { itemId: rows[0].id, postId: post.id };
  }

  /** The controlled clock: the item falls due in a moment (the worker's timer hears of it from PostgreSQL). */
  async function dueNow(itemId: string): Promise<void> {
    await db.query(`UPDATE review_items SET due_at = now() + interval '500 milliseconds' WHERE id = $1`, [itemId]);
  }

  const readable = (mail: ReceivedMail) => [mail.subject, mail.text, mail.html].join('\n');

  /** The person's notifications of a kind about the item (the in-app side of the same events). */
  async function notificationsAbout(person: Person, itemId: string): Promise<Json[]> {
    const page = await request(forum.url).get('/me/notifications?limit=100').set(bearer(person)).expect(200);
    return page.body.items.filter((n: Json) => n.subjectId === itemId);
  }

  /**
   * The `nth` (1-based) notification of `kind` about the item in the person's list, once it is
   * there, and the push that carried it (a push names its notification, never its subject).
   */
  async function pushed(person: Person, device: StubSubscription, itemId: string, kind: string, nth = 1, timeoutMs = 15_000): Promise<ReceivedPush> {
    const deadline = Date.now() + timeoutMs;
    let found: Json[] = [];
    for (;;) {
      found = (await notificationsAbout(person, itemId)).filter((n) => n.kind === kind).reverse();
      if (found.length >= nth) break;
      if (Date.now() > deadline) throw new Error(`no ${kind} notification #${nth} about ${itemId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const id = found[nth - 1].id;
    return push.waitFor(device.id, Math.max(1_000, deadline - Date.now()), (p) => p.payload.id === id);
  }

  it('reaches every on-cover supporter by push and mail within seconds, through quiet hours, and escalates to the admins when nobody claims it', async () => {
    const { itemId } = await crisisPost();
    const held = Date.now();

    // Every supporter: a push and a mail, each within seconds of the post being held.
    const pushes = await Promise.all(supporters.map((s) => pushed(s.person, s.device, itemId, 'review-urgent', 1, 10_000)));
    const mails = await Promise.all(supporters.map((s) => mailbox.waitFor(s.person.email, { subject: /urgent/i, timeoutMs: 10_000 })));
    expect(Date.now() - held).toBeLessThan(10_000);
    for (const received of pushes) {
      expect(received.payload).toMatchObject({ kind: 'review-urgent', title: URGENT_TITLE });
      // Sent at high urgency: the push service wakes the device.
      expect(received.headers.urgency).toBe('high');
    }
    for (const mail of mails) expect(mail.subject).toBe(URGENT_TITLE);
    for (const s of supporters) expect((await notificationsAbout(s.person, itemId)).map((n) => n.kind)).toEqual(['review-urgent']);
    // The same fan-out reached the supporters; the admins were not part of it while the group is on cover.
    expect(await notificationsAbout(admin, itemId)).toEqual([]);

    // Nobody claims it: at its deadline the admins are pushed and mailed.
    await dueNow(itemId);
    const escalation = await pushed(admin, adminDevice, itemId, 'review-urgent', 1);
    expect(escalation.payload).toMatchObject({ kind: 'review-urgent', title: URGENT_TITLE });
    const adminMail = await mailbox.waitFor(admin.email, { subject: /urgent/i, timeoutMs: 15_000 });
    expect(adminMail.subject).toBe(URGENT_TITLE);
    // And again at twice the deadline.
    const second = await pushed(admin, adminDevice, itemId, 'review-urgent', 2, 20_000);
    expect(second.payload.id).not.toBe(escalation.payload.id);
    await mailbox.waitFor(admin.email, { subject: /urgent/i, timeoutMs: 15_000 });
    expect((await notificationsAbout(admin, itemId)).filter((n) => n.kind === 'review-urgent')).toHaveLength(2);
    const { rows } = await db.query(`SELECT audience, escalated_at FROM review_items WHERE id = $1`, [itemId]);
    expect(rows[0]).toMatchObject({ audience: 'admins', escalated_at: expect.any(Date) });

    // Never the member's words or the group's name, anywhere.
    for (const text of [...push.received.map((p) => p.text), ...mailbox.received.map(readable)]) {
      expect(text).not.toContain('kill myself');
      expect(text).not.toContain(groupName);
    }
  });

  it('does not escalate at the deadline an urgent item a supporter has claimed', async () => {
    const { itemId } = await crisisPost();
    await Promise.all(supporters.map((s) => pushed(s.person, s.device, itemId, 'review-urgent')));
    await request(forum.url).post(`/review-items/${itemId}/claim`).set(bearer(supporters[1].person)).send({}).expect(200);
    await dueNow(itemId);
    // The deadline passed and was acted on: the supporters are told it is overdue (the same claim that would escalate)...
    await pushed(supporters[1].person, supporters[1].device, itemId, 'review-overdue');
    const overdue = await notificationsAbout(supporters[1].person, itemId);
    expect(overdue.map((n) => n.kind).sort()).toEqual(['review-overdue', 'review-urgent']);
    // ...and the admins were not pushed: someone has it.
    expect(await notificationsAbout(admin, itemId)).toEqual([]);
  });

  it('sends an urgent item straight to the admins when the group is out of cover', async () => {
    await request(forum.url)
      .patch(`/groups/${groupId}`)
      .set(bearer(admin))
      .send({ moderation: { coverage: [] } })
      .expect((r) => {
        if (r.status >= 300) throw new Error(`could not take the group off cover: ${r.status} ${JSON.stringify(r.body)}`);
      });
    // Group settings are cached by the worker for a few seconds.
    await new Promise((r) => setTimeout(r, 5_500));
    const { itemId } = await crisisPost();
    const received = await pushed(admin, adminDevice, itemId, 'review-urgent', 1, 10_000);
    expect(received.payload).toMatchObject({ kind: 'review-urgent', title: URGENT_TITLE });
    expect((await notificationsAbout(admin, itemId)).map((n) => n.kind)).toEqual(['review-urgent']);
    for (const s of supporters) expect(await notificationsAbout(s.person, itemId)).toEqual([]);
  });
});
