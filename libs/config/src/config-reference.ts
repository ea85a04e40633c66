import { configSettings } from './config';

/**
 * What each environment variable is for. The names, defaults and accepted values come from the
 * reader in config.ts, so the reference cannot drift from what the code reads; a variable the
 * code reads without a line here fails the configuration test.
 */
export const SETTING_PURPOSES: Record<string, string> = {
  NODE_ENV: 'Which kind of run this is; `production` turns off development conveniences.',
  HOST: 'The interface every service listens on (`0.0.0.0` in containers).',
  FORUM_PORT: 'Port of the forum: the REST API, `/docs` and the web app.',
  CHAT_PORT: 'Port of the chat service (socket.io).',
  WORKER_PORT: "Port of the moderation worker's `/health` and `/metrics` (the worker has no public API; do not publish it).",
  DATABASE_URL: 'PostgreSQL connection URL: the source of truth.',
  DATABASE_REPLICA_URLS:
    'Streaming replicas of DATABASE_URL, comma-separated: topic lists, thread pages, chat history and metrics are read there; everything that must see its own write stays on the primary.',
  DATABASE_REPLICA_MAX_LAG_SECONDS: 'A replica further behind than this (or not answering) is not read from; its reads go to the primary until it catches up.',
  REDIS_SENTINELS:
    'Redis Sentinels, comma-separated host:port: when set, every Redis connection asks them for the current primary and follows a failover (REDIS_URL then only gives the password and database).',
  REDIS_SENTINEL_NAME: 'The name the sentinels monitor the primary under.',
  SHUTDOWN_DRAIN_SECONDS:
    'After SIGTERM, /health answers 503 this long while requests are still served, so a load balancer takes the instance out before it closes.',
  REDIS_URL: 'Redis connection URL: queues, pub/sub, rate limits and the socket.io adapter.',
  REDIS_PREFIX:
    'Prefix of every Redis key and queue, so several installations can share one Redis. It is hash-tagged (`kindred` becomes `{kindred}`) so every key of an installation is in one Redis Cluster slot.',
  HTTP_BODY_LIMIT_BYTES: 'Largest request body the forum accepts; larger ones get 413.',
  HTTP_TRUST_PROXY: 'Trust `X-Forwarded-For` from a load balancer in front (for per-address limits and logs).',
  HTTPS_ONLY: 'Browsers reach Kindred over HTTPS only: sends HSTS and `upgrade-insecure-requests`. True by default when PUBLIC_URL is https.',
  METRICS_HOST: 'The interface the internal `/metrics` listeners bind to; keep it off the public network.',
  FORUM_METRICS_PORT: "Internal port of the forum's Prometheus `/metrics` (0: any free port).",
  CHAT_METRICS_PORT: "Internal port of the chat service's Prometheus `/metrics` (0: any free port).",
  LOG_LEVEL: 'Least severe log level written.',
  SESSION_IDLE_MINUTES: 'A session unused this long ends.',
  SESSION_ABSOLUTE_HOURS: 'A session ends this long after sign-in, however active.',
  SESSION_IDLE_SECONDS: 'Overrides `SESSION_IDLE_MINUTES` in seconds, for tests that watch a session (and its open sockets) run out.',
  SESSION_ABSOLUTE_SECONDS: 'Overrides `SESSION_ABSOLUTE_HOURS` in seconds, for tests that watch a session (and its open sockets) run out.',
  LOGIN_FAILURES_PER_ACCOUNT: 'Password checks (sign-in and every re-check) per account in the window before 429; a right password gives its attempt back.',
  LOGIN_FAILURES_PER_ADDRESS: 'Password checks per client address in the window before 429; a right password gives its attempt back.',
  LOGIN_WINDOW_SECONDS: 'The window the password attempt limits count over.',
  SMTP_URL:
    'Where mail is handed over: `smtp://` or `smtps://`, with any credentials in the URL. Required in production; elsewhere the development mail catcher `npm start` runs (maildev, read at http://localhost:1080).',
  MAIL_FROM: 'The From header of every mail Kindred sends.',
  NOTIFICATIONS_TICK_SECONDS:
    'How often the notifications tick runs: it sends due digests and picks up deliveries whose job was lost or whose quiet hours ended.',
  NOTIFICATIONS_DIGEST_HOUR: "The local hour (in each person's time zone, 0-23) their daily digest mail goes out.",
  NOTIFICATIONS_CLAIM_SECONDS:
    'A push or mail claimed this long ago by a sender that has not finished is taken to be abandoned (its sender died) and sent again; keep it well above the push and SMTP timeouts.',
  VAPID_SUBJECT: "The contact (mailto: or https:) web push services see in each push's VAPID signature; by default mailto: the MAIL_FROM address.",
  MAIL_REQUESTS_PER_ACCOUNT: 'Mails one address may be sent on request (registration, password reset, change of email) per window before 429.',
  MAIL_REQUESTS_PER_ADDRESS: 'Mail requests (registration, password reset, change of email) per client address per window before 429.',
  MAIL_REQUEST_WINDOW_SECONDS: 'The window the mail request limits count over.',
  TOKEN_FAILURES_PER_ADDRESS: 'Wrong, used or expired verification and reset links per client address in `LOGIN_WINDOW_SECONDS` before 429.',
  MFA_ENCRYPTION_KEY:
    'AES-256-GCM key that second-factor (TOTP) secrets are encrypted with at rest: 32 random bytes as base64 (`openssl rand -base64 32`) or 64 hex digits. Required in production; elsewhere a development key is used.',
  PUBLIC_URL: 'The origin people open Kindred at (scheme, host and port). The chat address and its allowed origins derive from it.',
  FEATURES: 'Optional parts of the web app to switch on, told to it at run time in `/app-config.json`.',
  CHAT_PUBLIC_URL: "Where browsers reach the chat service, as the web app is told in `/app-config.json`; by default `PUBLIC_URL`'s host on `CHAT_PORT`.",
  CHAT_ALLOWED_ORIGINS: 'Browser origins allowed to open a chat socket; by default `PUBLIC_URL` (and its other loopback name on localhost).',
  CHAT_MAX_BUFFER_BYTES: 'Largest socket.io message accepted.',
  CHAT_MAX_MESSAGE_LENGTH: 'Longest chat message, in characters.',
  CHAT_MESSAGES_PER_WINDOW: 'Chat messages one person may send per window (slow mode comes on top).',
  CHAT_RATE_WINDOW_SECONDS: 'The window the chat message limit counts over.',
  CHAT_DELIVERY_SWEEP_SECONDS: 'How often each open room is re-read, so a lost delivery event delays a message by at most this.',
  SCREENING_SWEEP_AFTER_SECONDS: 'An item still being screened this long after it was written is queued again.',
  SCREENING_SWEEP_INTERVAL_SECONDS: 'How often the worker looks for such items.',
  SCREENING_CONCURRENCY: 'Screening jobs one worker runs at once.',
  SCREENING_LOCK_SECONDS: "How long a worker holds a job before another may take it over (a killed worker's jobs wait this long).",
  DEADLINES_INTERVAL_SECONDS: 'Safety-net interval of the deadlines check (a timer also wakes at each due moment).',
  MENTORING_REMINDER_INTERVAL_SECONDS:
    'How often the mentoring check-in reminder job runs; each run reminds every relationship whose check-in has fallen due, once.',
  RETENTION_NOTICE_DAYS: 'Notices are deleted this long after they were written.',
  RETENTION_CLOSED_REVIEW_ITEM_DAYS: 'Decided and superseded review items are deleted this long after they closed.',
  RETENTION_INTERVAL_SECONDS: 'How often the retention purge runs.',
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/CONFIGURATION.md, generated. */
export function configReference(): string {
  const rows = configSettings().map((s) => {
    const fallback = s.fallback === '' ? '(empty)' : `\`${cell(s.fallback)}\``;
    const accepts = s.accepts ? `${s.kind}: ${cell(s.accepts)}` : s.kind;
    return `| \`${s.name}\` | ${fallback} | ${accepts} | ${cell(SETTING_PURPOSES[s.name] ?? '')} |`;
  });
  return [
    '# Configuration',
    '',
    'Every setting is an environment variable, read and validated once when a process starts: a wrong',
    'value stops the process with a message naming the variable. The defaults suit a developer machine',
    'with PostgreSQL and Redis on 127.0.0.1.',
    '',
    'This page is generated from the reader in `libs/config/src/config.ts` by `npm run docs:config`;',
    'a unit test fails when it is out of date.',
    '',
    '| variable | default | accepts | what it is for |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
