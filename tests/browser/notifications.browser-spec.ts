import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createAdmin } from '../support/groups';
import { launchPersistentBrowser, newPerson, visited } from './support/browser';
import { startWebStack, WebStack } from './support/web-stack';

/** The service worker is installed and controls the page (it claims the page once it activates). */
async function controlledBy(page: Page, script: string): Promise<void> {
  await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
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
