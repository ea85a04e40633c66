import { Browser } from 'playwright-core';
import { freePort } from '../../support/processes';
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
 * service allows the forum's origin, as it allows http://localhost:3000 in production; the forum
 * knows the chat port, so its Content-Security-Policy lets pages connect there.
 */
export async function startWebStack(): Promise<WebStack> {
  const chatPort = String(await freePort());
  const forum = await startForum({ CHAT_PORT: chatPort });
  const chat = await startChat({ CHAT_ALLOWED_ORIGINS: forum.url, CHAT_PORT: chatPort });
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
