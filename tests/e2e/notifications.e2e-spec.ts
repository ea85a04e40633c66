import { Queue } from 'bullmq';
import { Client } from 'pg';
import { openRedis } from '@kindred/redis';
import request from 'supertest';
import { createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { Mailbox, ReceivedMail, testMailbox } from '../support/mailbox';
import { bearer, Person } from '../support/people';
import { PushService, StubSubscription } from '../support/push-service';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';

type Json = Record<string, any>;

/**
 * Notifications through the real forum and worker, a real SMTP server (the test mailbox) and a push
 * service that decrypts every web push with the subscription's own keys, as a browser would.
 */
describe('notifications by push and mail', () => {
  let forum: RunningHttpApp;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let mailbox: Mailbox;
  let push: PushService;
  let db: Client;
  let admin: Person;
  let groupId: string;
  let groupName: string;
  let code: string;
  /** Everything members wrote in this file: no mail or push may carry any of it. */
  const written: string[] = [];

  beforeAll(async () => {
    mailbox = await testMailbox();
    push = await PushService.start();
    const settings = { NOTIFICATIONS_TICK_SECONDS: '1', NOTIFICATIONS_CLAIM_SECONDS: '5' };
    [forum, worker] = await Promise.all([startForum(settings), startWorker(settings)]);
    db = new Client({ connectionString: forum.config.database.url });
    await db.connect();
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    groupName = (await request(forum.url).get(`/groups/${groupId}`).set(bearer(admin)).expect(200)).body.name;
    code = await referralCode(forum, admin, groupId);
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([forum?.close(), worker?.close(), push?.close()]);
  });

  async function topic(author: Person, title: string, body: string): Promise<Json> {
    written.push(title, body);
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    const post = await screened(forum, author, response.body.id);
    expect(post.status).toBe('published');
    return post;
  }

  async function reply(author: Person, topicId: string, body: string): Promise<Json> {
    written.push(body);
    const response = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    const post = await screened(forum, author, response.body.id);
    expect(post.status).toBe('published');
    return post;
  }

  async function preferences(person: Person, change: Json): Promise<Json> {
    const current = (await request(forum.url).get('/me/notification-preferences').set(bearer(person)).expect(200)).body;
    return (
      await request(forum.url)
        .put('/me/notification-preferences')
        .set(bearer(person))
        .send({ timezone: current.timezone, quietHours: current.quietHours, ...change })
        .expect(200)
    ).body;
  }

  async function subscribe(person: Person): Promise<StubSubscription> {
    const subscription = push.subscription();
    await request(forum.url)
      .post('/me/push-subscriptions')
      .set(bearer(person))
      .send({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys })
      .expect(201);
    return subscription;
  }

  /** Polls the database until `sql` returns a row for which `test` holds. */
  async function eventually(sql: string, params: unknown[], test: (rows: Json[]) => boolean, timeoutMs = 15_000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query(sql, params);
      if (test(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${sql} → ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const readable = (mail: ReceivedMail) => [mail.subject, mail.text, mail.html, ...Object.values(mail.headers)].join('\n');

  let unsubscribeLink: string;

  it('mails and pushes a reply to the topic author per their preferences, discreetly, with a one-click unsubscribe', async () => {
    const [author, replier] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const saved = await preferences(author, { kinds: { reply: { push: true, email: 'immediate' } } });
    expect(saved.kinds.reply).toEqual({ push: true, email: 'immediate', neverQuiet: false });
    expect(saved.kinds.mention).toEqual({ push: true, email: 'digest', neverQuiet: false });
    const device = await subscribe(author);

    const opening = await topic(author, 'Dialysis tiredness', 'Anyone else wiped out after dialysis on Mondays?');
    await reply(replier, opening.topicId, 'Mondays flatten me too, I nap after my session.');

    const received = await push.waitFor(device.id);
    expect(received.payload).toMatchObject({ kind: 'reply', title: 'Kindred: you have a new reply', body: 'Open Kindred to see it.' });
    expect(received.payload.url).toMatch(new RegExp(`^${forum.config.publicUrl}/notifications\\?open=`));
    expect(received.headers.urgency).toBe('normal');

    const mail = await mailbox.waitFor(author.email, { subject: /new reply/ });
    expect(mail.subject).toBe('Kindred: you have a new reply');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(\S+\/unsubscribe\?token=[A-Za-z0-9_-]+)>$/.exec(mail.headers['list-unsubscribe'] ?? '');
    expect(link).not.toBeNull();
    expect(link![1]!.startsWith(`${forum.config.publicUrl}/unsubscribe?token=`)).toBe(true);
    expect(mail.text).toContain(link![1]);
    unsubscribeLink = link![1]!;

    const list = (await request(forum.url).get('/me/notifications').set(bearer(author)).expect(200)).body;
    expect(list.unread).toBe(1);
    expect(list.items).toEqual([
      {
        id: received.payload.id,
        kind: 'reply',
        groupId,
        subjectId: opening.topicId,
        title: 'You have a new reply',
        createdAt: expect.any(String),
        readAt: null,
      },
    ]);
    // Someone else cannot mark it read; its owner can.
    await request(forum.url)
      .post('/me/notifications/read')
      .set(bearer(replier))
      .send({ ids: [received.payload.id] })
      .expect(204);
    expect((await request(forum.url).get('/me/notifications').set(bearer(author)).expect(200)).body.unread).toBe(1);
    await request(forum.url).post('/me/notifications/read').set(bearer(author)).send({ all: true }).expect(204);
    expect((await request(forum.url).get('/me/notifications').set(bearer(author)).expect(200)).body.unread).toBe(0);
    // The replier, who wrote the reply, is told nothing.
    expect((await request(forum.url).get('/me/notifications').set(bearer(replier)).expect(200)).body.items).toEqual([]);

    // Exactly one push and one mail for the one reply, each delivery recorded as sent.
    const deliveries = await eventually(
      `SELECT channel, state, attempts FROM notification_deliveries WHERE user_id = $1 ORDER BY channel`,
      [author.id],
      (rows) => rows.length === 2 && rows.every((r) => r.state === 'sent'),
    );
    expect(deliveries).toEqual([
      { channel: 'email', state: 'sent', attempts: 1 },
      { channel: 'push', state: 'sent', attempts: 1 },
    ]);
    expect(push.pushesTo(device.id)).toHaveLength(1);
    expect(mailbox.mailsTo(author.email).filter((m) => /new reply/.test(m.subject))).toHaveLength(1);

    // The same person, unsubscribing from the mail without signing in, then gets push only.
    const url = new URL(unsubscribeLink);
    await request(forum.url)
      .post(`/unsubscribe${url.search}`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click')
      .expect(200, { status: 'unsubscribed' });
    const after = (await request(forum.url).get('/me/notification-preferences').set(bearer(author)).expect(200)).body;
    expect(after.kinds.reply).toEqual({ push: true, email: 'off', neverQuiet: false });
    // Following it again is harmless.
    await request(forum.url).post(`/unsubscribe${url.search}`).expect(200);

    const mailsBefore = mailbox.mailsTo(author.email).length;
    await reply(replier, opening.topicId, 'Second thought: a short walk helps me more than a nap.');
    await push.waitFor(device.id);
    // The push and the mail are decided in the same fan-out: with the push here, no mail is coming.
    await eventually(`SELECT channel FROM notification_deliveries WHERE user_id = $1`, [author.id], (rows) => rows.length === 3);
    expect(mailbox.mailsTo(author.email)).toHaveLength(mailsBefore);
  });

  it('writes what a verdict owes (a reply, a mention, a held post) with the verdict itself: in place once the post reads so, with no fan-out job run', async () => {
    const [author, replier, named] = await Promise.all([0, 1, 2].map(() => joinedMember(forum, groupId, code)));
    const opening = await topic(author, 'Fluid limits in summer', 'How do you keep to the fluid limit when it is hot?');
    // Nothing on the notifications queue runs meanwhile: what is there was written with the verdicts.
    const connection = openRedis(forum.config, 'commands');
    const queue = new Queue('notifications', { connection, prefix: forum.config.redis.prefix });
    await queue.pause();
    try {
      // Several at once, so the worker publishes some of them together, as it does under load.
      const bodies = [
        `Ice lollies count too, @${named.displayName} taught me that`,
        'Small cups help me.',
        'I weigh myself every morning.',
        'Sucking ice works.',
      ];
      const posts = await Promise.all(bodies.map((body) => reply(replier, opening.topicId, body)));
      written.push('07700 900456');
      const sent = await request(forum.url).post(`/topics/${opening.topicId}/posts`).set(bearer(replier)).send({ body: 'Text me on 07700 900456' }).expect(202);
      expect((await screened(forum, replier, sent.body.id)).status).toBe('held');

      const items = async (who: Person) => (await request(forum.url).get('/me/notifications?limit=50').set(bearer(who)).expect(200)).body.items as Json[];
      expect((await items(author)).filter((n) => n.kind === 'reply' && n.subjectId === opening.topicId)).toHaveLength(bodies.length);
      expect((await items(named)).filter((n) => n.kind === 'mention' && n.subjectId === opening.topicId)).toHaveLength(1);
      expect((await items(replier)).filter((n) => n.kind === 'moderation' && n.subjectId === sent.body.id)).toHaveLength(1);
      const { rows } = await db.query(`SELECT event_id, count(*)::int AS n FROM notifications WHERE event_id = ANY($1::text[]) GROUP BY event_id`, [
        posts.flatMap((post) => [`reply:${post.id}`, `mention:${post.id}`]),
      ]);
      expect(rows.map((row) => row.n)).toEqual(rows.map(() => 1));
      expect(rows).toHaveLength(bodies.length + 1);
    } finally {
      await queue.resume();
      await queue.close();
      connection.disconnect();
    }
  });

  it('answers unsubscribe links that were never issued 404 and malformed ones 422, and a form body anywhere else 415', async () => {
    await request(forum.url)
      .post('/unsubscribe?token=' + 'x'.repeat(43))
      .expect(404);
    await request(forum.url).post('/unsubscribe').expect(422);
    await request(forum.url).post('/auth/login').set('Content-Type', 'application/x-www-form-urlencoded').send('email=a&password=b').expect(415);
  });

  it('refuses a push endpoint that is not a push service URL, and bad keys, with 422; removes only one’s own device', async () => {
    const [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const good = push.subscription();
    for (const endpoint of ['http://10.0.0.1/push', 'ftp://127.0.0.1/x', 'not a url', 'https://user:pw@push.example/x']) {
      await request(forum.url).post('/me/push-subscriptions').set(bearer(member)).send({ endpoint, keys: good.keys }).expect(422);
    }
    await request(forum.url)
      .post('/me/push-subscriptions')
      .set(bearer(member))
      .send({ endpoint: good.endpoint, keys: { p256dh: 'short', auth: good.keys.auth } })
      .expect(422);
    const created = await request(forum.url).post('/me/push-subscriptions').set(bearer(member)).send({ endpoint: good.endpoint, keys: good.keys }).expect(201);
    await request(forum.url).delete(`/me/push-subscriptions/${created.body.id}`).set(bearer(other)).expect(404);
    await request(forum.url).delete(`/me/push-subscriptions/${created.body.id}`).set(bearer(member)).expect(204);
    const key = (await request(forum.url).get('/push/vapid-public-key').expect(200)).body.key;
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);
    await request(forum.url)
      .put('/me/notification-preferences')
      .set(bearer(member))
      .send({ timezone: 'Mars/Olympus', quietHours: { from: '25:00', to: '07:00' }, kinds: { nonsense: { push: true } } })
      .expect(422);
  });

  it('collects a day of email items into one digest mail (controlled clock)', async () => {
    const [author, replier] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    await preferences(author, { kinds: { reply: { push: false, email: 'digest' } } });
    const opening = await topic(author, 'Fluid limits', 'How do you manage the fluid limit in summer?');
    for (const body of ['Ice cubes and small cups.', 'Sour sweets help with thirst.', 'I track it with an app.']) await reply(replier, opening.topicId, body);
    const pending = await eventually(
      `SELECT due_at FROM notification_deliveries WHERE user_id = $1 AND mode = 'digest' AND state = 'pending'`,
      [author.id],
      (rows) => rows.length === 3,
    );
    // Due at the next 08:00 in the person's time zone (UTC by default), not now.
    for (const row of pending) {
      expect(new Date(row.due_at).getUTCHours()).toBe(8);
      expect(new Date(row.due_at).getTime()).toBeGreaterThan(Date.now());
    }
    expect(mailbox.mailsTo(author.email).filter((m) => /summary/.test(m.subject))).toHaveLength(0);

    // The clock reaches 08:00.
    await db.query(`UPDATE notification_deliveries SET due_at = now() WHERE user_id = $1 AND mode = 'digest'`, [author.id]);
    const digest = await mailbox.waitFor(author.email, { subject: /summary/ });
    expect(digest.subject).toBe('Kindred: your daily summary');
    expect(digest.text).toContain('3 new replies');
    expect(digest.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const sent = await eventually(`SELECT state, digest_id FROM notification_deliveries WHERE user_id = $1 AND mode = 'digest'`, [author.id], (rows) =>
      rows.every((r) => r.state === 'sent'),
    );
    expect(new Set(sent.map((r) => r.digest_id)).size).toBe(1);
    expect(mailbox.mailsTo(author.email).filter((m) => /summary/.test(m.subject))).toHaveLength(1);
  });

  it('holds push in quiet hours until they end (controlled clock)', async () => {
    const [author, replier] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const now = Date.now();
    await preferences(author, {
      timezone: 'UTC',
      quietHours: { from: hhmm(new Date(now - 3600_000)), to: hhmm(new Date(now + 3600_000)) },
      kinds: { reply: { push: true, email: 'off' } },
    });
    const device = await subscribe(author);
    const opening = await topic(author, 'Night itching', 'The itching keeps me up at night.');
    await reply(replier, opening.topicId, 'Cold flannel on my arms helps me sleep.');

    const [held] = await eventually(
      `SELECT id, state, due_at FROM notification_deliveries WHERE user_id = $1 AND channel = 'push'`,
      [author.id],
      (rows) => rows.length === 1,
    );
    expect(held!.state).toBe('held');
    const until = new Date(held!.due_at).getTime();
    expect(until).toBeGreaterThan(now + 3000_000);
    expect(until).toBeLessThanOrEqual(now + 3600_000);
    expect(push.pushesTo(device.id)).toHaveLength(0);
    // In the app it is there at once.
    expect((await request(forum.url).get('/me/notifications').set(bearer(author)).expect(200)).body.unread).toBe(1);

    // The clock reaches the end of quiet hours.
    await db.query(`UPDATE notification_deliveries SET due_at = now() - interval '10 seconds' WHERE id = $1`, [held!.id]);
    const received = await push.waitFor(device.id);
    expect(received.payload.title).toBe('Kindred: you have a new reply');
    await eventually(`SELECT state FROM notification_deliveries WHERE id = $1`, [held!.id], (rows) => rows[0]?.state === 'sent');
    expect(push.pushesTo(device.id)).toHaveLength(1);
  });

  it('never puts a member’s words, the condition or the group’s name in any mail or push captured here', async () => {
    expect(push.received.length).toBeGreaterThanOrEqual(3);
    expect(mailbox.received.length).toBeGreaterThan(0);
    const forbidden = [...written, groupName, 'kidney', 'Kidney', 'dialysis', 'Dialysis'];
    const captured = [...mailbox.received.map(readable), ...push.received.map((p) => `${p.text}\n${JSON.stringify(p.headers)}`)];
    for (const text of captured) {
      for (const words of forbidden) expect(text).not.toContain(words);
    }
  });
});
