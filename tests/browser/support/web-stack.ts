import { Browser } from 'playwright-core';
import { RunningHttpApp, startChat, startForum, startWorker } from '../../support/stack';
import { launchBrowser } from './browser';

export interface WebStack {
  forum: RunningHttpApp;
  chat: RunningHttpApp;
  worker: Awaited<ReturnType<typeof startWorker>>;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The real forum (serving the built web app), chat and worker in-process, and Chromium. The chat
 * service allows the forum's origin, as it allows http://localhost:3000 in production.
 */
export async function startWebStack(): Promise<WebStack> {
  const forum = await startForum();
  const chat = await startChat({ CHAT_ALLOWED_ORIGINS: forum.url });
  const worker = await startWorker();
  const browser = await launchBrowser();
  return {
    forum,
    chat,
    worker,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await worker.close();
      await chat.close();
      await forum.close();
    },
  };
}
