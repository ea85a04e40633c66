import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testMailbox } from '../support/mailbox';
import { PushService, StubSubscription } from '../support/push-service';
import { bearer, ProcessStack, registerAndLogin, request, startProcessStack } from './stack';

/**
 * One event for many people; the worker is killed with SIGKILL while pushes are in flight (the
 * push service holds them unanswered), then a new worker starts. Every person must get the push
 * and the mail exactly once: deliveries the dead worker had claimed are taken over once its claim
 * runs out, and those it had finished are not sent again.
 */
describe('a worker killed mid-delivery', () => {
  let stack: ProcessStack;
  let db: Client;
  let push: PushService;

  beforeAll(async () => {
    push = await PushService.start();
    stack = await startProcessStack({ NOTIFICATIONS_TICK_SECONDS: '1', NOTIFICATIONS_CLAIM_SECONDS: '9' });
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await push?.close();
  });

  it('sends each notification exactly once after a restart', async () => {
    const mailbox = await testMailbox();
    const total = 30;
    const people: Array<{ id: string; email: string; device: StubSubscription }> = [];
    for (let i = 0; i < total; i += 1) {
      const person = await registerAndLogin(stack.forum.url);
      const device = push.subscription();
      await request(stack.forum.url).post('/me/push-subscriptions').set(bearer(person)).send({ endpoint: device.endpoint, keys: device.keys }).expect(201);
      people.push({ id: person.id, email: person.email, device });
    }

    // A producer's outbox row, as a context writes it in its own transaction: one event for everyone
    // (a new agreement to accept: push and mail at once by default).
    // Both services take requests but answer none yet: the worker's sends are in flight when it dies.
    push.hold();
    mailbox.hold();
    const eventId = `agreement:${randomUUID()}`;
    await db.query(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ('notifications', 'fan-out', $1, $2)`, [
      `fan-out-${randomUUID()}`,
      JSON.stringify({
        eventId,
        kind: 'agreement',
        recipients: people.map((p) => p.id),
        groupId: null,
        subjectId: null,
        title: null,
        path: null,
        urgent: false,
        ignoreQuietHours: false,
        groupName: null,
        count: 1,
      }),
    ]);

    // Killed while pushes and mails wait at the push service and the mail server, unanswered.
    await push.until(() => push.holding >= 5, 30_000);
    await mailbox.until(() => mailbox.holding >= 5, 30_000);
    await stack.worker.kill('SIGKILL');
    const { rows: claimed } = await db.query(`SELECT count(*)::int AS n FROM notification_deliveries WHERE event_id = $1 AND state = 'sending'`, [eventId]);
    expect(claimed[0].n).toBeGreaterThan(0);
    push.release();
    await push.until(() => push.holding === 0);
    expect(push.aborted).toBeGreaterThan(0);
    await mailbox.until(() => mailbox.holding === 0);
    mailbox.release();
    expect(mailbox.aborted).toBeGreaterThan(0);

    stack.worker = await stack.newWorker();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { rows } = await db.query(`SELECT state, count(*)::int AS n FROM notification_deliveries WHERE event_id = $1 GROUP BY state`, [eventId]);
      const states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
      if (states.sent === total * 2) break;
      if (Date.now() > deadline) throw new Error(`deliveries not all sent after the restart: ${JSON.stringify(states)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    for (const person of people) {
      expect(push.pushesTo(person.device.id)).toHaveLength(1);
      expect(mailbox.mailsTo(person.email).filter((m) => m.subject === 'Kindred: there is a new agreement to accept')).toHaveLength(1);
    }
    const { rows: notifications } = await db.query(`SELECT count(*)::int AS n FROM notifications WHERE event_id = $1`, [eventId]);
    expect(notifications[0].n).toBe(total);
  });
});
