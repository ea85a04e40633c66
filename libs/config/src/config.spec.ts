import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that work with local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/kindred');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.ports).toEqual({ forum: 3000, chat: 3001, worker: 3002 });
    expect(config.chat.maxHttpBufferBytes).toBe(65536);
  });

  it('reads overrides', () => {
    const config = loadConfig({ FORUM_PORT: '4000', CHAT_ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.ports.forum).toBe(4000);
    expect(config.chat.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('derives the chat address and its allowed origins from PUBLIC_URL', () => {
    const local = loadConfig({});
    expect(local.publicUrl).toBe('http://localhost:3000');
    expect(local.chat.publicUrl).toBe('http://localhost:3001');
    expect(local.chat.allowedOrigins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);

    const ports = loadConfig({ FORUM_PORT: '4300', CHAT_PORT: '4301', PUBLIC_URL: 'http://localhost:4300' });
    expect(ports.chat.publicUrl).toBe('http://localhost:4301');
    expect(ports.chat.allowedOrigins).toEqual(['http://localhost:4300', 'http://127.0.0.1:4300']);

    const hosted = loadConfig({ PUBLIC_URL: 'https://kindred.example/' });
    expect(hosted.publicUrl).toBe('https://kindred.example');
    expect(hosted.chat.publicUrl).toBe('https://kindred.example:3001');
    expect(hosted.chat.allowedOrigins).toEqual(['https://kindred.example']);
  });

  it('lets CHAT_PUBLIC_URL and CHAT_ALLOWED_ORIGINS override what PUBLIC_URL derives', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://kindred.example',
      CHAT_PUBLIC_URL: 'https://chat.kindred.example',
      CHAT_ALLOWED_ORIGINS: 'https://a.example',
    });
    expect(config.chat.publicUrl).toBe('https://chat.kindred.example');
    expect(config.chat.allowedOrigins).toEqual(['https://a.example']);
  });

  it.each([
    [{ PUBLIC_URL: 'kindred.example' }, /PUBLIC_URL is not a valid URL/],
    [{ PUBLIC_URL: 'ftp://kindred.example' }, /PUBLIC_URL must start with http: or https:/],
    [{ PUBLIC_URL: 'https://kindred.example/app' }, /PUBLIC_URL must be an origin only/],
    [{ CHAT_PUBLIC_URL: 'ws://chat.example' }, /CHAT_PUBLIC_URL must start with http: or https:/],
    [{ FORUM_PORT: 'abc' }, /FORUM_PORT must be a whole number/],
    [{ FORUM_PORT: '70000' }, /FORUM_PORT must be a whole number from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres:/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL is not a valid URL/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ HTTP_TRUST_PROXY: 'maybe' }, /HTTP_TRUST_PROXY must be true or false/],
    [{ NODE_ENV: 'production' }, /MFA_ENCRYPTION_KEY must be set in production/],
    [{ MFA_ENCRYPTION_KEY: 'too-short' }, /MFA_ENCRYPTION_KEY must be 32 bytes/],
    [{ MFA_ENCRYPTION_KEY: Buffer.alloc(16, 1).toString('base64') }, /MFA_ENCRYPTION_KEY must be 32 bytes/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every problem at once', () => {
    try {
      loadConfig({ FORUM_PORT: 'x', CHAT_PORT: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});

describe('MFA_ENCRYPTION_KEY', () => {
  it('reads 32 bytes as base64 or hex, and has a development key outside production only', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('base64') }).mfa.encryptionKey).toEqual(key);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('hex') }).mfa.encryptionKey).toEqual(key);
    expect(loadConfig({}).mfa.encryptionKey).toHaveLength(32);
    expect(
      loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.org:25', MFA_ENCRYPTION_KEY: key.toString('base64') }).mfa.encryptionKey,
    ).toEqual(key);
  });
});

describe('HTTPS', () => {
  it.each([
    [{}, false],
    [{ PUBLIC_URL: 'http://kindred.example' }, false],
    [{ PUBLIC_URL: 'https://kindred.example' }, true],
    [{ PUBLIC_URL: 'https://kindred.example', HTTPS_ONLY: 'false' }, false],
    [{ PUBLIC_URL: 'http://kindred.example', HTTPS_ONLY: 'true' }, true],
  ])('%j is served over HTTPS only: %s', (env, expected) => {
    expect(loadConfig(env).http.httpsOnly).toBe(expected);
  });
});

describe('mail', () => {
  it('sends to the development mail catcher when SMTP_URL is not set outside production', () => {
    expect(loadConfig({}).mail.smtpUrl).toBe('smtp://127.0.0.1:1025');
    expect(loadConfig({ NODE_ENV: 'test' }).mail.smtpUrl).toBe('smtp://127.0.0.1:1025');
  });

  it('refuses to start in production without SMTP_URL, saying why', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SMTP_URL must be set in production/);
    expect(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtps://u:p@smtp.example.org:465', MFA_ENCRYPTION_KEY: 'a'.repeat(64) }).mail.smtpUrl).toBe(
      'smtps://u:p@smtp.example.org:465',
    );
  });

  it.each([[{ SMTP_URL: 'http://smtp.example.org' }], [{ SMTP_URL: 'nonsense' }]])('refuses %j', (env) => {
    expect(() => loadConfig(env)).toThrow(/SMTP_URL/);
  });
});
