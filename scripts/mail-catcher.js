#!/usr/bin/env node
// `npm start`'s mail catcher: with no SMTP_URL outside production, Kindred sends mail to
// smtp://127.0.0.1:1025, so maildev listens there and shows every mail at http://localhost:1080.
// With SMTP_URL set (or in production) there is nothing to catch; this process then just waits,
// because concurrently --kill-others would stop the services if it exited.
const { spawn } = require('node:child_process');
const path = require('node:path');

const wanted = !process.env.SMTP_URL && process.env.NODE_ENV !== 'production';
if (!wanted) {
  console.log('SMTP_URL is set: mail goes there, no mail catcher started.');
  const idle = setInterval(() => undefined, 1 << 30);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => clearInterval(idle));
} else {
  const bin = path.resolve(__dirname, '..', 'node_modules', '.bin', 'maildev');
  const args = ['--smtp', '1025', '--ip', '127.0.0.1', '--web', '1080', '--web-ip', '127.0.0.1', '--silent'];
  console.log('Mail catcher (maildev): every mail Kindred sends is at http://localhost:1080');
  const child = spawn(bin, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
