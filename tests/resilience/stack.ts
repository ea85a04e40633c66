import request from 'supertest';
import { enrolTotp } from '../support/mfa';
import { bearer, Person, registerAndLogin } from '../support/people';
import { ENTRY, freePort, ServiceProcess } from '../support/processes';
import { resilienceEnv } from './resilience-env';

export interface ProcessStack {
  env: Record<string, string>;
  forum: ServiceProcess;
  worker: ServiceProcess;
  newWorker(): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Forum and worker as separate real processes, the way they run in production. */
export async function startProcessStack(overrides: Record<string, string> = {}): Promise<ProcessStack> {
  const env = resilienceEnv(overrides);
  const forumPort = await freePort();
  const forum = new ServiceProcess(ENTRY.forum, { ...env, FORUM_PORT: String(forumPort) }, forumPort).start();
  const newWorker = async () => {
    const port = await freePort();
    const worker = new ServiceProcess(ENTRY.worker, { ...env, WORKER_PORT: String(port) }, port).start();
    await worker.healthy();
    return worker;
  };
  const [worker] = await Promise.all([newWorker(), forum.healthy()]);
  const stack: ProcessStack = {
    env,
    forum,
    worker,
    newWorker,
    async stop() {
      await Promise.all([forum.kill(), stack.worker.kill()]);
    },
  };
  return stack;
}

/** An admin made with the same command an operator uses (`npm run admin:create`), then signed in. */
export async function adminOf(stack: ProcessStack): Promise<Person> {
  // Letters only: a random tag with digits is sometimes shaped like a postcode ("ka79dx"), which a display name may not hold.
  const tag = Math.random()
    .toString(36)
    .slice(2, 10)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
  const email = `admin-${tag}@example.org`;
  const password = 'an admin pass phrase';
  const command = new ServiceProcess(ENTRY.adminCreate, stack.env, undefined, ['--email', email, '--password', password, '--name', `Admin ${tag}`]).start();
  const code = await command.finished();
  if (code !== 0) throw new Error(`admin:create failed:\n${command.output.join('')}`);
  const login = await request(stack.forum.url).post('/auth/login').send({ email, password }).expect(200);
  const admin = { id: login.body.user.id, email, password, displayName: login.body.user.displayName, token: login.body.token };
  // Admin endpoints answer MFA_REQUIRED until the admin has a second factor.
  await enrolTotp(stack.forum.url, admin);
  return admin;
}

export { bearer, request, registerAndLogin };
