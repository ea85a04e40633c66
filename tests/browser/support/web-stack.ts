import { Browser } from 'playwright-core';
import { freePort } from '../../support/processes';
import { ListenOptions, RunningHttpApp, startChat, startForum, startWorker } from '../../support/stack';
import { launchBrowser } from './browser';

export interface WebStack {
  forum: RunningHttpApp;
  chat: RunningHttpApp;
  worker: Awaited<ReturnType<typeof startWorker>>;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The real forum (serving the built web app), chat and worker in-process, and Chromium, configured
 * as in production: one PUBLIC_URL, from which the chat service's allowed origins and the chat
 * address the forum tells the web app (app-config.json) are derived. `env` sets the ports and
 * PUBLIC_URL; by default they are free ports on 127.0.0.1.
 */
export async function startWebStack(env?: Record<string, string>): Promise<WebStack> {
  let settings: Record<string, string>;
  const options: ListenOptions = { onConfiguredPort: true };
  if (env) settings = env;
  else {
    const [forumPort, chatPort] = [await freePort(), await freePort()];
    settings = { FORUM_PORT: String(forumPort), CHAT_PORT: String(chatPort), WORKER_PORT: '0', PUBLIC_URL: `http://127.0.0.1:${forumPort}` };
  }
  const forum = await startForum(settings, options);
  const chat = await startChat(settings, options);
  const worker = await startWorker(settings, options);
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
