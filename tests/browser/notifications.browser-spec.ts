import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { NotificationsService } from '@kindred/notifications';
import { bearer, Person } from '../support/people';
import { PushService } from '../support/push-service';
import { createAdmin } from '../support/groups';
import { launchPersistentBrowser, newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

const CRISIS = 'I can’t cope any more, I want to kill myself';

/** The service worker is installed and controls the page (it claims the page once it activates). */
async function controlledBy(page: Page, script: string): Promise<void> {
  // A function, not a string: the app's CSP forbids eval, which a string predicate needs.
  await page.waitForFunction(() => (globalThis as any).navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
  expect(await page.evaluate('navigator.serviceWorker.controller.scriptURL')).toBe(script);
}

describe('the installable app', () => {
  let stack: WebStack;
  beforeAll(async () => {
    stack = await startWebStack();
    await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('has a manifest Chromium finds installable, with its icons', async () => {
    // A profile on disk: Chromium never installs from an incognito window.
    const profile = mkdtempSync(join(tmpdir(), 'kindred-install-'));
    const context = await launchPersistentBrowser(profile);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(stack.forum.url);
      await controlledBy(page, `${stack.forum.url}/sw.js`);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      expect(manifest.errors).toEqual([]);
      expect(manifest.url).toBe(`${stack.forum.url}/manifest.webmanifest`);
      const parsed = JSON.parse(manifest.data!) as { name: string; icons: Array<{ src: string; sizes: string; purpose: string }>; display: string };
      expect(parsed.name).toBe('Kindred');
      expect(parsed.display).toBe('standalone');
      expect(parsed.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
      // Each icon is a real PNG of the size the manifest says.
      for (const icon of parsed.icons) {
        const size = await page.evaluate(`(async () => {
          const bitmap = await createImageBitmap(await (await fetch(${JSON.stringify(icon.src)})).blob());
          return bitmap.width + 'x' + bitmap.height;
        })()`);
        expect(size).toBe(icon.sizes);
      }
      // Chromium's own install check: no reason it could not be installed.
      const installability = await cdp.send('Page.getInstallabilityErrors');
      expect(installability.installabilityErrors).toEqual([]);
      await visited(page, 'the groups page, installable');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('keeps "Need help now?" with the crisis lines for when Kindred cannot be reached', async () => {
    const { context, page } = await newPerson(stack.browser, { width: 390, height: 844 });
    try {
      await page.goto(stack.forum.url);
      await controlledBy(page, `${stack.forum.url}/sw.js`);
      await context.setOffline(true);
      // Any page of the app, even one never opened before, answers with the kept page.
      await page.goto(`${stack.forum.url}/community/5b0c3a36-4a54-4b8e-9a43-2ff0c1f4d0e1/chat`);
      await page.getByRole('heading', { level: 1, name: 'Need help now?' }).waitFor();
      expect(await page.getByRole('link', { name: 'Call 999' }).getAttribute('href')).toBe('tel:999');
      expect(await page.getByRole('link', { name: 'Call 116 123' }).getAttribute('href')).toBe('tel:116123');
      expect(await page.getByRole('link', { name: 'Text 85258' }).getAttribute('href')).toBe('sms:85258');
      await visited(page, 'the offline "Need help now?" page on a phone');
      // Back online, the app itself answers again: the worker never stands in for a reachable Kindred.
      await context.setOffline(false);
      await page.goto(`${stack.forum.url}/sign-in`);
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('never asks for notification permission on first load', async () => {
    const { context, page } = await newPerson(stack.browser);
    try {
      // Counts every permission request the page makes, from before its first script runs.
      await page.addInitScript(`
        window.asked = [];
        const original = Notification.requestPermission.bind(Notification);
        Notification.requestPermission = (...args) => { window.asked.push('notifications'); return original(...args); };
      `);
      await page.goto(stack.forum.url);
      await controlledBy(page, `${stack.forum.url}/sw.js`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      expect(await page.evaluate('window.asked')).toEqual([]);
      expect(await page.evaluate('Notification.permission')).toBe('default');
    } finally {
      await context.close();
    }
  });
});

describe('notifications in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Something happened for `person`, as a context says so (a reply): through the real notifications queue. */
  async function notify(person: Person, eventId: string, groupId: string): Promise<void> {
    await stack.forum.app.get(NotificationsService).notify({ eventId, kind: 'reply', recipients: [person.id], groupId, subjectId: null });
  }

  it('counts unread notifications live in the header, lists them marked unread, and marks one or all read', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const member = await memberOf(stack.forum, group.id, group.code);
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, supporter.email, supporter.password);
      const badge = page.getByTestId('unread-count');
      expect(await badge.count()).toBe(0);

      // A member in crisis: the supporter on cover is told at once, and the open page counts it without a reload.
      await request(stack.forum.url).post(`/groups/${group.id}/topics`).set(bearer(member)).send({ title: 'Tonight', body: CRISIS }).expect(202);
      await page.getByRole('link', { name: 'Notifications 1 unread' }).waitFor();
      await notify(supporter, `reply:${group.id}:a`, group.id);
      await notify(supporter, `reply:${group.id}:b`, group.id);
      await page.getByRole('link', { name: 'Notifications 3 unread' }).waitFor();

      await page.getByRole('link', { name: 'Notifications 3 unread' }).click();
      await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
      await page.getByTestId('unread-summary').getByText('3 unread').waitFor();
      const items = page.locator('.notifications li');
      await expect(items.count()).resolves.toBe(3);
      expect(await page.locator('.notifications li.unread').count()).toBe(3);
      // Discreet in the app list too: a fixed line, never the member's words.
      await expect(page.locator('.notifications').textContent()).resolves.not.toContain('kill myself');
      const urgent = items.filter({ hasText: 'An urgent item needs a supporter now' });
      expect(await urgent.getByRole('link').getAttribute('href')).toBe(`/community/${group.id}/review`);
      await visited(page, 'the notifications page', 'notifications');
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'the notifications page on a phone');
      await page.setViewportSize({ width: 1100, height: 900 });

      await urgent.getByRole('button', { name: /^Mark as read/ }).click();
      await page.getByTestId('unread-summary').getByText('2 unread').waitFor();
      await page.getByRole('link', { name: 'Notifications 2 unread' }).waitFor();
      expect(await page.locator('.notifications li.unread').count()).toBe(2);

      await page.getByRole('button', { name: 'Mark all as read' }).click();
      await page.getByTestId('unread-summary').getByText('Nothing unread.').waitFor();
      expect(await badge.count()).toBe(0);
      expect(await page.locator('.notifications li.unread').count()).toBe(0);
      const listed = await request(stack.forum.url).get('/me/notifications').set(bearer(supporter)).expect(200);
      expect(listed.body.unread).toBe(0);
      await visited(page, 'the notifications page, all read');
    } finally {
      await context.close();
    }
  });

  it('changes notification settings per kind, quiet hours and time zone, and keeps them', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const member = await memberOf(stack.forum, group.id, group.code);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, member.email, member.password);
      await page.goto(`${stack.forum.url}/settings/notifications`);
      await page.getByRole('heading', { level: 1, name: 'Notification settings' }).waitFor();
      // Supporters' kinds are not a member's to set.
      expect(await page.getByRole('group', { name: /Urgent items to review/ }).count()).toBe(0);
      // The reason comes before any prompt: the card says what an alert shows, and asks nothing yet.
      await page
        .getByRole('region', { name: 'Alerts on this device' })
        .getByText(/never what anyone\s+wrote/)
        .waitFor();

      const replies = page.getByRole('group', { name: 'Replies to your topics and posts' });
      await replies.getByLabel('Alert on my devices').uncheck();
      await replies.getByLabel('Email').selectOption('immediate');
      await replies.getByLabel('Send these during quiet hours too').check();
      const mentions = page.getByRole('group', { name: 'Someone mentions you' });
      await mentions.getByLabel('Email').selectOption('off');
      await page.getByLabel('Keep quiet hours').check();
      await page.getByLabel('From').fill('21:30');
      await page.getByLabel('Until').fill('07:15');
      await page.getByLabel('Your time zone').selectOption('Europe/Paris');
      await visited(page, 'the notification settings', 'notification-settings');
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'the notification settings on a phone');
      await page.getByRole('button', { name: 'Save notification settings' }).click();
      await page.getByText('Your notification settings are saved.').waitFor();

      const saved = await request(stack.forum.url).get('/me/notification-preferences').set(bearer(member)).expect(200);
      expect(saved.body).toMatchObject({
        timezone: 'Europe/Paris',
        quietHours: { from: '21:30', to: '07:15' },
        kinds: { reply: { push: false, email: 'immediate', neverQuiet: true }, mention: { email: 'off' } },
      });

      // A new visit shows what was saved.
      await page.reload();
      const again = page.getByRole('group', { name: 'Replies to your topics and posts' });
      await again.getByLabel('Email').waitFor();
      expect(await again.getByLabel('Alert on my devices').isChecked()).toBe(false);
      expect(await again.getByLabel('Email').inputValue()).toBe('immediate');
      expect(await page.getByLabel('From').inputValue()).toBe('21:30');
      expect(await page.getByLabel('Your time zone').inputValue()).toBe('Europe/Paris');

      // Quiet hours off again: saved as none.
      await page.getByLabel('Keep quiet hours').uncheck();
      await page.getByRole('button', { name: 'Save notification settings' }).click();
      await page.getByText('Your notification settings are saved.').waitFor();
      const cleared = await request(stack.forum.url).get('/me/notification-preferences').set(bearer(member)).expect(200);
      expect(cleared.body.quietHours).toBeNull();
    } finally {
      await context.close();
    }
  });
});

describe('push alerts in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  let push: PushService;
  beforeAll(async () => {
    push = await PushService.start();
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
    await push?.close();
  });

  it('turns on alerts when asked, after saying why, and shows a discreet notification when a push arrives; turns them off per device', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const member = await memberOf(stack.forum, group.id, group.code);
    // Headless Chromium cannot reach a browser vendor's push service: the subscription is made at the
    // stub push service instead (keys the stub holds, to decrypt what Kindred sends), and what the stub
    // receives is handed to this browser's service worker as its push service would (CDP).
    const subscription = push.subscription();
    const profile = mkdtempSync(join(tmpdir(), 'kindred-push-'));
    const context = await launchPersistentBrowser(profile);
    try {
      await context.addInitScript(`(() => {
        const sub = ${JSON.stringify(subscription)};
        let current = null;
        const make = (options) => ({
          endpoint: sub.endpoint,
          expirationTime: null,
          options,
          toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
          unsubscribe: async () => { current = null; return true; },
        });
        self.shownPushes = [];
        if (self.navigator && navigator.serviceWorker) {
          navigator.serviceWorker.addEventListener('message', (event) => {
            if (event.data && event.data.type === 'kindred:push') self.shownPushes.push(event.data.shown);
          });
        }
        if (self.PushManager) {
          PushManager.prototype.subscribe = async function (options) { current = make(options); return current; };
          PushManager.prototype.getSubscription = async function () { return current; };
        }
      })()`);
      const page = context.pages()[0] ?? (await context.newPage());
      await signIn(page, stack.forum.url, member.email, member.password);
      await page.goto(`${stack.forum.url}/notifications`);
      await controlledBy(page, `${stack.forum.url}/sw.js`);
      const card = page.getByRole('region', { name: 'Alerts on this device' });
      await card.getByText(/Get a discreet alert when someone replies/).waitFor();
      await visited(page, 'the notifications page offering alerts');
      // The person says yes at the browser's prompt.
      await context.grantPermissions(['notifications'], { origin: stack.forum.url });
      expect(await page.evaluate('Notification.permission')).toBe('granted');
      await card.getByRole('button', { name: 'Turn on alerts' }).click();
      await card
        .getByText('Alerts are on for this device.', { exact: false })
        .waitFor()
        .catch(async (error: Error) => {
          throw new Error(`${error.message}\nThe card said: ${await card.innerText()}`);
        });
      const db = stack.forum.app.get(DataSource);
      const stored = await db.query(`SELECT id FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2`, [member.id, subscription.endpoint]);
      expect(stored).toHaveLength(1);

      // The service worker's registration, to hand it pushes.
      const cdp = await context.newCDPSession(page);
      const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
        registrations.push(...event.registrations);
      });
      await cdp.send('ServiceWorker.enable');
      const deadline = Date.now() + 10_000;
      while (!registrations.some((r) => r.scopeURL === `${stack.forum.url}/`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const registration = registrations.find((r) => r.scopeURL === `${stack.forum.url}/`)!;
      expect(registration).toBeDefined();

      // A reply to the member, through the real queue: Kindred pushes to the stub, encrypted.
      await stack.forum.app
        .get(NotificationsService)
        .notify({ eventId: `reply:${group.id}:push`, kind: 'reply', recipients: [member.id], groupId: group.id, subjectId: null });
      const received = await push.waitFor(subscription.id);
      expect(received.payload).toMatchObject({ kind: 'reply', title: 'Kindred: you have a new reply' });
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: stack.forum.url, registrationId: registration.registrationId, data: received.text });

      // The worker showed it: discreet title and body, opening the app at the notification.
      // The worker tells open pages what it showed once showNotification has resolved (headless
      // Chromium may take a shown notification down again before getNotifications() is asked).
      type Shown = Array<{ title: string; body: string; url: string }>;
      const handle = await page.waitForFunction(
        () => {
          const seen = (globalThis as any).shownPushes as Shown | undefined;
          return seen && seen.length > 0 ? seen : false;
        },
        undefined,
        { timeout: 10_000 },
      );
      const shown = (await handle.jsonValue()) as Shown;
      expect(shown).toEqual([{ title: 'Kindred: you have a new reply', body: 'Open Kindred to see it.', url: received.payload.url }]);
      // The open page counted it.
      await page.getByRole('link', { name: 'Notifications 1 unread' }).waitFor();

      // Off for this device: Kindred forgets the subscription.
      await card.getByRole('button', { name: 'Turn off alerts on this device' }).click();
      await card.getByRole('button', { name: 'Turn on alerts' }).waitFor();
      expect(await db.query(`SELECT id FROM push_subscriptions WHERE user_id = $1`, [member.id])).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
