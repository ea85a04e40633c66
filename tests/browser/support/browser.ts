import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { takeRecoveryCode } from '../../support/mfa';
import { rawWords } from '../../../apps/web/src/api/humane';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.KINDRED_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
}

/**
 * A browser with a profile on disk, as a person's own browser is (contexts of `launchBrowser` are
 * incognito, where Chromium never offers to install an app). Close it to delete nothing: the
 * caller owns `userDataDir`.
 */
export function launchPersistentBrowser(userDataDir: string, viewport = { width: 1100, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: FLAGS,
    timeout: 60_000,
    viewport,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
}

/**
 * A fresh browser context (its own session storage, so its own signed-in person). The page finds
 * the chat service where the forum's app-config.json says, as it does in production.
 */
export async function newPerson(browser: Browser, viewport = { width: 1100, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return { context, page };
}

/** Every page checked: zero serious or critical violations of WCAG 2.x A/AA. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const detail = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
    throw new Error(`axe found ${bad.length} serious/critical violation(s) on ${where} (${page.url()}):\n  ${detail}`);
  }
}

const SHOTS = resolve(__dirname, '../../../docs/screenshots');

/** Saves a screenshot of the main screens when KINDRED_SCREENSHOTS=1 (kept out of ordinary runs). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.KINDRED_SCREENSHOTS !== '1') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Checks the page with axe, then maybe takes its screenshot. */
export async function visited(page: Page, where: string, shot?: string): Promise<void> {
  await expectAccessible(page, where);
  if (shot) await screenshot(page, shot);
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  const response = await page.goto(`${baseUrl}/sign-in`);
  if (!response?.ok()) throw new Error(`the sign-in page answered ${response?.status()}: ${(await response?.text())?.slice(0, 300)}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Staff have two-step sign-in (tests/support/mfa.ts): they finish with one of their recovery codes.
  const secondStep = page.getByRole('heading', { name: 'Enter your sign-in code' });
  await page
    .getByText(/^Signed in as /)
    .or(secondStep)
    .waitFor();
  if (await secondStep.isVisible()) {
    await page.getByRole('textbox', { name: 'Sign-in code' }).fill(takeRecoveryCode(email));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/^Signed in as /).waitFor();
  }
}

const PHONE_SIZE = { width: 390, height: 844 };

/** Reads the text of every element `selector` finds for keys, codes, field names and ISO times (rawWords). */
export async function expectHumaneWords(page: Page, where: string, selector: string): Promise<void> {
  const texts = await page.locator(selector).allTextContents();
  for (const text of texts) {
    const raw = rawWords(text);
    if (raw) throw new Error(`${where}: "${raw}" is shown to a person in: ${text}`);
  }
}

/** Checks the page at desktop size and on a phone, with axe and for raw words in `selector`, then returns to desktop size. */
export async function checkedAtBothSizes(page: Page, where: string, selector: string, shot?: string): Promise<void> {
  await expectHumaneWords(page, where, selector);
  await visited(page, where, shot);
  await page.setViewportSize(PHONE_SIZE);
  await visited(page, `${where} on a phone`, shot ? `${shot}-phone` : undefined);
  await page.setViewportSize({ width: 1100, height: 900 });
}
