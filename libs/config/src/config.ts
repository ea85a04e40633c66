/** Every setting Kindred reads from its environment, validated once at boot. */
export interface KindredConfig {
  env: 'development' | 'test' | 'production';
  host: string;
  ports: { forum: number; chat: number; worker: number };
  /**
   * The origin people's browsers open Kindred at (PUBLIC_URL, for example https://kindred.example).
   * The chat service's allowed origins and the chat address the web app is told derive from it.
   */
  publicUrl: string;
  /** Optional parts of the web app switched on (FEATURES, a comma-separated list), told to it at run time. */
  features: string[];
  database: {
    url: string;
    /** Streaming replicas the heavy reads may go to (DATABASE_REPLICA_URLS); empty: every read on the primary. */
    replicaUrls: string[];
    /** Past this replay lag (seconds) a replica is not read from until it catches up. */
    replicaMaxLagSeconds: number;
  };
  redis: {
    url: string;
    /**
     * The key and queue prefix, hash-tagged (`{kindred}`): every key of one installation falls in one
     * Redis Cluster slot, so BullMQ's multi-key scripts and the adapter work on a cluster too.
     */
    prefix: string;
    /** Sentinels to ask for the current primary (REDIS_SENTINELS, host:port,...); empty: REDIS_URL directly. */
    sentinels: Array<{ host: string; port: number }>;
    /** The primary's name the sentinels monitor (REDIS_SENTINEL_NAME). */
    sentinelName: string;
  };
  /** SHUTDOWN_DRAIN_SECONDS: after SIGTERM, /health answers 503 this long while requests are still served, so a load balancer stops sending new ones. */
  shutdown: { drainSeconds: number };
  http: {
    bodyLimitBytes: number;
    trustProxy: boolean;
    /** Served to browsers over HTTPS only: turns on HSTS and `upgrade-insecure-requests`. */
    httpsOnly: boolean;
  };
  /** Prometheus `/metrics`, on internal listeners of their own, never on a public port. */
  metrics: { host: string; forumPort: number; chatPort: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  auth: {
    sessionIdleMinutes: number;
    sessionAbsoluteHours: number;
    /**
     * The limits every check uses, in seconds: SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS, unless
     * SESSION_IDLE_SECONDS or SESSION_ABSOLUTE_SECONDS is set (for tests that watch a session run out).
     */
    sessionIdleSeconds: number;
    sessionAbsoluteSeconds: number;
    loginFailuresPerAccount: number;
    loginFailuresPerAddress: number;
    loginWindowSeconds: number;
  };
  /** Second factors (TOTP): the AES-256-GCM key their secrets are encrypted with at rest (32 bytes). */
  mfa: { encryptionKey: Buffer };
  chat: {
    /** Where browsers reach the chat service (CHAT_PUBLIC_URL; by default PUBLIC_URL's host on CHAT_PORT). */
    publicUrl: string;
    allowedOrigins: string[];
    maxHttpBufferBytes: number;
    maxMessageLength: number;
    messagesPerWindow: number;
    rateWindowSeconds: number;
    /** Events are at-most-once: each room is also read this often, so a lost nudge delays a message by at most this. */
    deliverySweepSeconds: number;
  };
  screening: {
    /** An item still in `screening` this long after it was written is enqueued again. */
    sweepAfterSeconds: number;
    sweepIntervalSeconds: number;
    concurrency: number;
    /** How long a worker holds a job before another may take it over (a killed worker's jobs wait this long). */
    lockSeconds: number;
  };
  deadlines: { intervalSeconds: number };
  /** How often the check-in reminder job runs (one run per tick, whichever worker takes it). */
  mentoring: { reminderIntervalSeconds: number };
  retention: { noticeDays: number; closedReviewItemDays: number; intervalSeconds: number };
  notifications: {
    /** How often the notifications tick runs: due digests, and deliveries whose job was lost or whose quiet hours ended. */
    tickSeconds: number;
    /** The local hour (0-23, the person's time zone) a day's digest goes out. */
    digestHour: number;
    /** A delivery claimed this long ago by a sender that has not finished is taken to be abandoned (its sender died) and sent again. */
    claimSeconds: number;
    /** The `sub` of the VAPID JWT: a mailto: or https: contact for push services (VAPID_SUBJECT; by default mailto: MAIL_FROM's address). */
    vapidSubject: string;
  };
  mail: {
    /**
     * Where mail is handed over (SMTP_URL, smtp:// or smtps://, credentials in the URL). Required in
     * production; elsewhere it defaults to the development mail catcher (maildev) on port 1025.
     */
    smtpUrl: string;
    /** The From header of every mail Kindred sends (MAIL_FROM). */
    from: string;
    /** Mail requests (registration, reset, change of email) per account and per client address per window. */
    requestsPerAccount: number;
    requestsPerAddress: number;
    requestWindowSeconds: number;
    /** Wrong or used verification and reset links per client address per LOGIN_WINDOW_SECONDS. */
    tokenFailuresPerAddress: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Kindred cannot start: its configuration is wrong.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** One environment variable as the reader met it: its name, default and what it accepts. */
export interface SettingInfo {
  name: string;
  kind: 'string' | 'integer' | 'boolean' | 'one of' | 'URL' | 'list';
  fallback: string;
  accepts: string | null;
}

class Reader {
  readonly problems: string[] = [];
  /** Every variable read, in order: the configuration reference is generated from this. */
  readonly settings: SettingInfo[] = [];
  constructor(private readonly env: Env) {}

  private met(name: string, kind: SettingInfo['kind'], fallback: unknown, accepts: string | null = null): void {
    if (this.settings.some((s) => s.name === name)) return;
    const shown = Array.isArray(fallback) ? fallback.join(',') : String(fallback);
    this.settings.push({ name, kind, fallback: shown, accepts });
  }

  string(name: string, fallback: string): string {
    this.met(name, 'string', fallback);
    return this.raw(name, fallback);
  }

  /** Whether the environment gives the variable a value at all. */
  isSet(name: string): boolean {
    const raw = this.env[name];
    return raw !== undefined && raw !== '';
  }

  private raw(name: string, fallback: string): string {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    this.met(name, 'integer', fallback, `${min} to ${max}`);
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    this.met(name, 'boolean', fallback, 'true or false');
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false (got "${raw}").`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    this.met(name, 'one of', fallback, allowed.join(', '));
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    this.met(name, 'URL', fallback, protocols.map((p) => `${p}//`).join(' or '));
    const value = this.raw(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must start with ${protocols.join(' or ')} (got "${parsed.protocol}").`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL.`);
    }
    return value;
  }

  /** An http(s) address reduced to its origin (scheme, host and port; no path). */
  origin(name: string, fallback: string): string {
    const value = this.url(name, fallback, ['http:', 'https:']);
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fallback;
      if (parsed.pathname !== '/' || parsed.search || parsed.hash) this.problems.push(`${name} must be an origin only, without a path (got "${value}").`);
      return parsed.origin;
    } catch {
      return fallback;
    }
  }

  list(name: string, fallback: string[]): string[] {
    this.met(name, 'list', fallback, 'comma-separated');
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
}

/** The chat service's address by default: the public URL's scheme and host, on the chat port. */
function chatUrlBeside(publicUrl: string, chatPort: number): string {
  const url = new URL(publicUrl);
  url.port = String(chatPort);
  return url.origin;
}

/** The origins a browser may show the app at: the public URL, and on a developer machine both names of the loopback host. */
function originsOf(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') return [url.origin];
  return ['localhost', '127.0.0.1'].map((host) => {
    const alias = new URL(url.origin);
    alias.hostname = host;
    return alias.origin;
  });
}

/**
 * `kindred` becomes `{kindred}`: Redis Cluster puts keys with the same `{tag}` in one slot. A prefix
 * that already holds a tag is kept as it is.
 */
export function hashTagged(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

function sentinels(r: Reader): KindredConfig['redis']['sentinels'] {
  const out: KindredConfig['redis']['sentinels'] = [];
  for (const entry of r.list('REDIS_SENTINELS', [])) {
    const match = /^([^\s:]+):(\d{1,5})$/.exec(entry);
    if (!match || Number(match[2]) > 65535) {
      r.problems.push(`REDIS_SENTINELS must be host:port pairs separated by commas (got "${entry}").`);
      continue;
    }
    out.push({ host: match[1]!, port: Number(match[2]) });
  }
  return out;
}

function replicaUrls(r: Reader): string[] {
  const urls = r.list('DATABASE_REPLICA_URLS', []);
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\//.test(url)) r.problems.push(`DATABASE_REPLICA_URLS must hold postgres:// URLs (got "${url.replace(/\/\/[^@]*@/, '//…@')}").`);
  }
  return urls;
}

/** Reads and validates the environment; throws a ConfigError naming every problem at once. */
export function loadConfig(env: Env = process.env): KindredConfig {
  const r = new Reader(env);
  const config = read(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Every environment variable Kindred reads, with its default: the source of docs/CONFIGURATION.md. */
export function configSettings(): SettingInfo[] {
  const r = new Reader({});
  read(r);
  return r.settings;
}

/** Session limits in minutes and hours, with seconds-level overrides (for tests that watch a session run out). */
function sessionLimits(
  r: Reader,
): Pick<KindredConfig['auth'], 'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'sessionIdleSeconds' | 'sessionAbsoluteSeconds'> {
  const sessionIdleMinutes = r.int('SESSION_IDLE_MINUTES', 60, 1, 60 * 24);
  const sessionAbsoluteHours = r.int('SESSION_ABSOLUTE_HOURS', 24, 1, 24 * 30);
  return {
    sessionIdleMinutes,
    sessionAbsoluteHours,
    sessionIdleSeconds: r.int('SESSION_IDLE_SECONDS', sessionIdleMinutes * 60, 1, 24 * 3600),
    sessionAbsoluteSeconds: r.int('SESSION_ABSOLUTE_SECONDS', sessionAbsoluteHours * 3600, 1, 30 * 24 * 3600),
  };
}

/** The development mail catcher `npm start` runs when SMTP_URL is not set (maildev; its web UI is on port 1080). */
export const DEV_SMTP_URL = 'smtp://127.0.0.1:1025';

function mailSettings(r: Reader, nodeEnv: KindredConfig['env']): KindredConfig['mail'] {
  // Without a real mail server nobody could verify an address or reset a password: production refuses to start.
  if (nodeEnv === 'production' && !r.isSet('SMTP_URL')) {
    r.problems.push(
      'SMTP_URL must be set in production (for example smtps://user:password@smtp.example.org:465): Kindred sends verification and password-reset mail.',
    );
  }
  return {
    smtpUrl: r.url('SMTP_URL', DEV_SMTP_URL, ['smtp:', 'smtps:']),
    from: r.string('MAIL_FROM', 'Kindred <no-reply@kindred.example>'),
    requestsPerAccount: r.int('MAIL_REQUESTS_PER_ACCOUNT', 5, 1, 1000),
    requestsPerAddress: r.int('MAIL_REQUESTS_PER_ADDRESS', 30, 1, 100000),
    requestWindowSeconds: r.int('MAIL_REQUEST_WINDOW_SECONDS', 3600, 1, 24 * 3600),
    tokenFailuresPerAddress: r.int('TOKEN_FAILURES_PER_ADDRESS', 20, 1, 100000),
  };
}

/** For development and tests only: production refuses to start without its own key. */
const DEVELOPMENT_MFA_KEY = Buffer.from('kindred development only mfa key', 'utf8');

/** MFA_ENCRYPTION_KEY: 32 bytes as base64 (or 64 hex digits); required in production, where a known key would protect nothing. */
function mfaEncryptionKey(r: Reader, nodeEnv: KindredConfig['env']): Buffer {
  const raw = r.string('MFA_ENCRYPTION_KEY', '');
  if (raw === '') {
    if (nodeEnv === 'production') r.problems.push('MFA_ENCRYPTION_KEY must be set in production (32 random bytes as base64, e.g. `openssl rand -base64 32`).');
    return DEVELOPMENT_MFA_KEY;
  }
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(raw) && key.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, ''))) {
    r.problems.push('MFA_ENCRYPTION_KEY must be 32 bytes as base64 (44 characters) or 64 hex digits.');
    return DEVELOPMENT_MFA_KEY;
  }
  return key;
}

function read(r: Reader): KindredConfig {
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const ports = {
    forum: r.int('FORUM_PORT', 3000, 0, 65535),
    chat: r.int('CHAT_PORT', 3001, 0, 65535),
    worker: r.int('WORKER_PORT', 3002, 0, 65535),
  };
  const publicUrl = r.origin('PUBLIC_URL', `http://localhost:${ports.forum}`);
  const chatPublicUrl = r.origin('CHAT_PUBLIC_URL', chatUrlBeside(publicUrl, ports.chat));
  const config: KindredConfig = {
    env: nodeEnv,
    host: r.string('HOST', '127.0.0.1'),
    ports,
    publicUrl,
    features: r.list('FEATURES', []),
    database: {
      url: r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kindred', ['postgres:', 'postgresql:']),
      replicaUrls: replicaUrls(r),
      replicaMaxLagSeconds: r.int('DATABASE_REPLICA_MAX_LAG_SECONDS', 5, 0, 3600),
    },
    redis: {
      url: r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
      prefix: hashTagged(r.string('REDIS_PREFIX', 'kindred')),
      sentinels: sentinels(r),
      sentinelName: r.string('REDIS_SENTINEL_NAME', 'kindred'),
    },
    shutdown: { drainSeconds: r.int('SHUTDOWN_DRAIN_SECONDS', 0, 0, 300) },
    http: {
      bodyLimitBytes: r.int('HTTP_BODY_LIMIT_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
      trustProxy: r.bool('HTTP_TRUST_PROXY', false),
      // Served over HTTPS when its public address says so; HSTS over plain HTTP would blank the app for anyone not on localhost.
      httpsOnly: r.bool('HTTPS_ONLY', publicUrl.startsWith('https:')),
    },
    metrics: {
      host: r.string('METRICS_HOST', '127.0.0.1'),
      forumPort: r.int('FORUM_METRICS_PORT', 9464, 0, 65535),
      chatPort: r.int('CHAT_METRICS_PORT', 9465, 0, 65535),
    },
    log: { level: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info') },
    auth: {
      ...sessionLimits(r),
      loginFailuresPerAccount: r.int('LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
      loginFailuresPerAddress: r.int('LOGIN_FAILURES_PER_ADDRESS', 20, 1, 10000),
      loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 15 * 60, 1, 24 * 3600),
    },
    mfa: { encryptionKey: mfaEncryptionKey(r, nodeEnv) },
    chat: {
      publicUrl: chatPublicUrl,
      allowedOrigins: r.list('CHAT_ALLOWED_ORIGINS', originsOf(publicUrl)),
      maxHttpBufferBytes: r.int('CHAT_MAX_BUFFER_BYTES', 64 * 1024, 1024, 1024 * 1024),
      maxMessageLength: r.int('CHAT_MAX_MESSAGE_LENGTH', 2000, 1, 20000),
      messagesPerWindow: r.int('CHAT_MESSAGES_PER_WINDOW', 10, 1, 1000),
      rateWindowSeconds: r.int('CHAT_RATE_WINDOW_SECONDS', 10, 1, 3600),
      deliverySweepSeconds: r.int('CHAT_DELIVERY_SWEEP_SECONDS', 3, 1, 3600),
    },
    screening: {
      sweepAfterSeconds: r.int('SCREENING_SWEEP_AFTER_SECONDS', 5, 1, 3600),
      sweepIntervalSeconds: r.int('SCREENING_SWEEP_INTERVAL_SECONDS', 3, 1, 3600),
      concurrency: r.int('SCREENING_CONCURRENCY', 50, 1, 500),
      lockSeconds: r.int('SCREENING_LOCK_SECONDS', 15, 1, 600),
    },
    deadlines: { intervalSeconds: r.int('DEADLINES_INTERVAL_SECONDS', 5, 1, 30) },
    mentoring: { reminderIntervalSeconds: r.int('MENTORING_REMINDER_INTERVAL_SECONDS', 300, 1, 24 * 3600) },
    retention: {
      noticeDays: r.int('RETENTION_NOTICE_DAYS', 365, 1, 3650),
      closedReviewItemDays: r.int('RETENTION_CLOSED_REVIEW_ITEM_DAYS', 365, 1, 3650),
      intervalSeconds: r.int('RETENTION_INTERVAL_SECONDS', 3600, 1, 7 * 24 * 3600),
    },
    mail: mailSettings(r, nodeEnv),
    notifications: {
      tickSeconds: r.int('NOTIFICATIONS_TICK_SECONDS', 60, 1, 3600),
      digestHour: r.int('NOTIFICATIONS_DIGEST_HOUR', 8, 0, 23),
      claimSeconds: r.int('NOTIFICATIONS_CLAIM_SECONDS', 120, 2, 3600),
      vapidSubject: r.string(
        'VAPID_SUBJECT',
        `mailto:${/<([^>]+)>/.exec(r.string('MAIL_FROM', 'Kindred <no-reply@kindred.example>'))?.[1] ?? 'no-reply@kindred.example'}`,
      ),
    },
  };
  return config;
}

/** For process entry points: a clear message and exit code 1 instead of a stack trace. */
export function loadConfigOrExit(env: Env = process.env): KindredConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
