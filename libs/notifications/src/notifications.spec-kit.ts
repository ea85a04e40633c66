import { loadConfig } from '@kindred/config';
import type { Transactions } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { IdentityService } from '@kindred/identity';
import type { MailSender } from '@kindred/mail';
import type { MailJob, NotificationFanOutJob, OutboxService, QueueProducer } from '@kindred/queues';
import type { DeliveriesRepository } from './deliveries.repository';
import { NotificationDelivery } from './delivery/notification-delivery.service';
import { NotificationFanOut } from './delivery/notification-fan-out';
import type { PushPayload, PushSender } from './delivery/push-sender';
import { VapidKeys } from './delivery/vapid-keys';
import {
  FakeDeliveriesRepository,
  FakeNotificationsRepository,
  FakePreferencesRepository,
  FakePushSubscriptionsRepository,
  NotificationsStore,
} from './notifications.fakes';
import type { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import type { PreferencesRepository } from './preferences.repository';
import type { PushSubscriptionsRepository } from './push-subscriptions.repository';

/** NotificationsService and NotificationDelivery over in-memory tables, with every outside service recorded. */
export function notificationsOverFakes(env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://kindred.example', ...env });
  const store = new NotificationsStore();
  const staged: Array<{ queue: string; name: string; payload: NotificationFanOutJob; jobId: string }> = [];
  const dispatched: string[] = [];
  const outbox = {
    stage: async (_tx: unknown, queue: string, name: string, payload: NotificationFanOutJob, jobId: string) => {
      staged.push({ queue, name, payload, jobId });
      return String(staged.length);
    },
    dispatch: async (ids: string[]) => void dispatched.push(...ids),
  } as unknown as OutboxService;
  const transactions = { run: (work: (tx: unknown) => unknown) => work({}), none: {} } as unknown as Transactions;
  const notifications = new FakeNotificationsRepository(store);
  const preferences = new FakePreferencesRepository(store);
  const subscriptions = new FakePushSubscriptionsRepository(store);
  const deliveries = new FakeDeliveriesRepository(store);
  const vapid = new VapidKeys(subscriptions as unknown as PushSubscriptionsRepository);
  const people = store.people;
  const identity = {
    verifiedAddresses: async (ids: string[]) => new Map(ids.flatMap((id) => (people.get(id) ? [[id, people.get(id)!] as [string, string]] : []))),
  } as unknown as IdentityService;
  const mails: MailJob[] = [];
  const mailer = { failNext: 0 };
  const mail = {
    deliver: async (job: MailJob) => {
      if (mailer.failNext > 0) {
        mailer.failNext -= 1;
        throw new Error('SMTP down');
      }
      mails.push(job);
      return 'sent';
    },
  } as unknown as MailSender;
  const pushes: Array<{ endpoint: string; payload: PushPayload; urgent: boolean }> = [];
  const pushService = { answers: new Map<string, 'gone' | 'fail'>() };
  const push = {
    send: async (sub: { endpoint: string }, payload: PushPayload, options: { urgent: boolean }) => {
      const answer = pushService.answers.get(sub.endpoint);
      if (answer === 'fail') throw new Error('push service answered 503');
      if (answer === 'gone') return 'gone';
      pushes.push({ endpoint: sub.endpoint, payload, urgent: options.urgent });
      return 'sent';
    },
  } as unknown as PushSender;
  const published: Array<{ name: string; payload: { userId: string; notification: { title: string } & Record<string, unknown> } }> = [];
  const events = {
    publish: async (name: string, payload: (typeof published)[number]['payload']) => void published.push({ name, payload }),
    publishMany: async (name: string, payloads: Array<(typeof published)[number]['payload']>) =>
      void published.push(...payloads.map((payload) => ({ name, payload }))),
  } as unknown as EventBus;
  const jobs: Array<{ name: string; data: { deliveryId: string }; opts: { jobId: string; delay?: number } }> = [];
  const queue = {
    addBulk: async (added: typeof jobs) => void jobs.push(...added),
    add: async (name: string, data: { deliveryId: string }, opts: { jobId: string }) => void jobs.push({ name, data, opts }),
    getJob: async () => undefined,
  };
  const producer = { queue: () => queue } as unknown as QueueProducer;
  const fanOut = new NotificationFanOut(
    config,
    transactions,
    events,
    producer,
    notifications as unknown as NotificationsRepository,
    preferences as unknown as PreferencesRepository,
  );
  const service = new NotificationsService(
    config,
    transactions,
    outbox,
    notifications as unknown as NotificationsRepository,
    preferences as unknown as PreferencesRepository,
    subscriptions as unknown as PushSubscriptionsRepository,
    vapid,
    fanOut,
  );

  const delivery = new NotificationDelivery(
    config,
    producer,
    identity,
    mail,
    push,
    service,
    notifications as unknown as NotificationsRepository,
    deliveries as unknown as DeliveriesRepository,
    preferences as unknown as PreferencesRepository,
    subscriptions as unknown as PushSubscriptionsRepository,
    fanOut,
  );
  return { config, store, service, delivery, staged, dispatched, people, mails, mailer, pushes, pushService, published, jobs };
}
