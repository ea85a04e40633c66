import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { KindredConfig } from '@kindred/config';
import { DomainError } from '@kindred/http';
import type { RedisService } from '@kindred/redis';
import { AccountTokens } from '../account-tokens';
import type { AccountTokensRepository } from '../account-tokens.repository';
import type { AuthUser } from '../auth-user';
import { FakeSecondFactorRepository, standIn } from '../identity.fakes';
import { identityContext, PASSWORD, rejection } from '../identity.spec-kit';
import type { PasswordAttempts } from '../password-attempts';
import type { UsersRepository } from '../users.repository';
import type { CodeAttempts } from './code-attempts';
import type { SecondFactorRepository } from './second-factor.repository';
import { SecondFactorService } from './second-factor.service';

/** The few Redis commands the challenges use, in memory; `down` makes every call fail as an unreachable Redis would. */
class FakeRedis {
  values = new Map<string, { value: string; ttlSeconds: number }>();
  down = false;
  key(...parts: string[]): string {
    return ['test', ...parts].join(':');
  }
  readonly client = {
    set: async (key: string, value: string, _ex: 'EX', ttlSeconds: number) => {
      this.reachable();
      this.values.set(key, { value, ttlSeconds });
      return 'OK';
    },
    get: async (key: string) => {
      this.reachable();
      return this.values.get(key)?.value ?? null;
    },
    del: async (key: string) => {
      this.reachable();
      return this.values.delete(key) ? 1 : 0;
    },
  };
  private reachable(): void {
    if (this.down) throw new Error('connect ECONNREFUSED');
  }
}

/** The code budget, counted in memory like CodeAttempts: a point taken before each check, given back when the code is right. */
class FakeCodeAttempts {
  exhausted = false;
  counted: string[] = [];
  async check<T>(userId: string, _address: string, verify: () => Promise<T | null>): Promise<T | null> {
    if (this.exhausted) throw DomainError.rateLimited(60, 'Too many attempts with a wrong code.');
    this.counted.push(userId);
    const accepted = await verify();
    if (accepted !== null) this.counted.splice(this.counted.lastIndexOf(userId), 1);
    return accepted;
  }
}

const ADDRESS = '203.0.113.9';
/** A code from the authenticator, `steps` time steps from now (the service accepts one step either side). */
const codeFor = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

async function secondFactors() {
  const ctx = identityContext();
  const config = { ...ctx.config, mfa: { encryptionKey: randomBytes(32) } } as KindredConfig;
  const redis = new FakeRedis();
  const codes = new FakeCodeAttempts();
  const service = new SecondFactorService(
    standIn<SecondFactorRepository>(new FakeSecondFactorRepository(ctx.store)),
    config,
    redis as unknown as RedisService,
    codes as unknown as CodeAttempts,
    ctx.attempts as unknown as PasswordAttempts,
    { publish: async (name: string, payload: unknown) => void ctx.published.push({ name, payload }) } as never,
    standIn<UsersRepository>(ctx.users),
    new AccountTokens(standIn<AccountTokensRepository>(ctx.tokens), config),
    { send: async (to: string, message: never) => Boolean(ctx.mails.push({ to, message })) } as never,
  );
  const id = await ctx.member('KidneyWarrior', { email: 'kw@example.test' });
  const user: AuthUser = { id, displayName: 'KidneyWarrior', isAdmin: false, sessionId: 's1' };

  /** Enrols and confirms with the current code; the secret and the recovery codes. */
  async function enrolled() {
    const { secret } = await service.beginTotp(user);
    const { recoveryCodes } = await service.confirmTotp(user, await codeFor(secret), ADDRESS);
    return { secret, recoveryCodes };
  }

  return { ...ctx, service, redis, codes, user, enrolled };
}

describe('SecondFactorService', () => {
  describe('enrolment', () => {
    it('is pending after beginning, with a secret the authenticator app can read, and not yet a second factor', async () => {
      const { service, user } = await secondFactors();
      const { secret, otpauthUri } = await service.beginTotp(user);
      expect(otpauthUri).toContain(`secret=${secret}`);
      expect(decodeURIComponent(otpauthUri)).toContain('Kindred:KidneyWarrior');
      expect(await service.status(user.id)).toEqual({ totp: 'pending', confirmedAt: null, recoveryCodesLeft: 0 });
      expect(await service.hasSecondFactor(user.id)).toBe(false);
      expect(await service.challenge(user.id)).toBeNull();
    });

    it('stays off with a wrong code, and the wrong code is counted against the budget', async () => {
      const { service, user, codes, published, mails } = await secondFactors();
      await service.beginTotp(user);
      const refused = await rejection(service.confirmTotp(user, '000000', ADDRESS));
      expect(refused?.code).toBe('VALIDATION_FAILED');
      expect(await service.hasSecondFactor(user.id)).toBe(false);
      expect(codes.counted).toEqual([user.id]);
      expect(published).toEqual([]);
      expect(mails).toEqual([]);
    });

    it('turns on with a right code, gives ten distinct recovery codes, announces it and mails the owner', async () => {
      const { service, user, codes, published, mails } = await secondFactors();
      const { secret } = await service.beginTotp(user);
      const { recoveryCodes } = await service.confirmTotp(user, await codeFor(secret), ADDRESS);
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      expect(await service.hasSecondFactor(user.id)).toBe(true);
      expect(await service.status(user.id)).toMatchObject({ totp: 'on', recoveryCodesLeft: 10 });
      expect(codes.counted).toEqual([]);
      expect(published).toEqual([{ name: 'second-factor.changed', payload: { userId: user.id, enrolled: true } }]);
      expect(mails).toEqual([
        { to: 'kw@example.test', message: { template: 'second-factor-on', links: { forgotPassword: 'https://kindred.test/forgot-password' } } },
      ]);
    });

    it('cannot be confirmed before it was begun, nor begun or confirmed again once on', async () => {
      const { service, user, enrolled } = await secondFactors();
      expect((await rejection(service.confirmTotp(user, '123456', ADDRESS)))?.code).toBe('CONFLICT');
      const { secret } = await enrolled();
      expect((await rejection(service.beginTotp(user)))?.code).toBe('CONFLICT');
      expect((await rejection(service.confirmTotp(user, await codeFor(secret, 1), ADDRESS)))?.code).toBe('CONFLICT');
    });

    it('a code from the secret replaced by beginning again does not confirm the new one', async () => {
      const { service, user } = await secondFactors();
      const first = await service.beginTotp(user);
      await service.beginTotp(user);
      expect((await rejection(service.confirmTotp(user, await codeFor(first.secret), ADDRESS)))?.code).toBe('VALIDATION_FAILED');
      expect(await service.hasSecondFactor(user.id)).toBe(false);
    });
  });

  describe('signing in', () => {
    it('challenges an account with a second factor, for five minutes, and the challenge redeems once with a right code', async () => {
      const { service, user, redis, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      const challenge = await service.challenge(user.id);
      expect(challenge).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
      expect([...redis.values.values()]).toEqual([{ value: user.id, ttlSeconds: 300 }]);
      expect([...redis.values.keys()].join()).not.toContain(challenge!.mfaToken);

      expect(await service.redeem(challenge!.mfaToken, await codeFor(secret, 1), ADDRESS)).toBe(user.id);
      const again = await rejection(service.redeem(challenge!.mfaToken, await codeFor(secret, 1), ADDRESS));
      expect(again?.code).toBe('UNAUTHENTICATED');
      expect(again?.message).toMatch(/expired or was already used/);
    });

    it('refuses a code already used (the one that confirmed the factor), and keeps the challenge for a right one', async () => {
      const { service, user, codes, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      const { mfaToken } = (await service.challenge(user.id))!;
      const replayed = await rejection(service.redeem(mfaToken, await codeFor(secret), ADDRESS));
      expect(replayed?.code).toBe('UNAUTHENTICATED');
      expect(replayed?.message).toMatch(/not right/);
      expect(codes.counted).toEqual([user.id]);
      expect(await service.redeem(mfaToken, await codeFor(secret, 1), ADDRESS)).toBe(user.id);
    });

    it('accepts each TOTP code once across challenges', async () => {
      const { service, user, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      const code = await codeFor(secret, 1);
      expect(await service.redeem((await service.challenge(user.id))!.mfaToken, code, ADDRESS)).toBe(user.id);
      expect((await rejection(service.redeem((await service.challenge(user.id))!.mfaToken, code, ADDRESS)))?.code).toBe('UNAUTHENTICATED');
    });

    it('accepts a recovery code once, however it is spaced or cased, and counts it off', async () => {
      const { service, user, enrolled } = await secondFactors();
      const { recoveryCodes } = await enrolled();
      const typed = recoveryCodes[3]!.toUpperCase().replace('-', ' ');
      expect(await service.redeem((await service.challenge(user.id))!.mfaToken, typed, ADDRESS)).toBe(user.id);
      expect((await service.status(user.id)).recoveryCodesLeft).toBe(9);
      expect((await rejection(service.redeem((await service.challenge(user.id))!.mfaToken, recoveryCodes[3]!, ADDRESS)))?.code).toBe('UNAUTHENTICATED');
      expect(await service.redeem((await service.challenge(user.id))!.mfaToken, recoveryCodes[4]!, ADDRESS)).toBe(user.id);
    });

    it('refuses an unknown challenge without checking any code', async () => {
      const { service, codes, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      expect((await rejection(service.redeem('made-up', await codeFor(secret, 1), ADDRESS)))?.code).toBe('UNAUTHENTICATED');
      expect(codes.counted).toEqual([]);
    });

    it('refuses every code once the budget is spent, even a right one', async () => {
      const { service, user, codes, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      const { mfaToken } = (await service.challenge(user.id))!;
      codes.exhausted = true;
      expect((await rejection(service.redeem(mfaToken, await codeFor(secret, 1), ADDRESS)))?.code).toBe('RATE_LIMITED');
    });

    it('waits (503) rather than sign in when Redis cannot hold the challenge', async () => {
      const { service, user, redis, enrolled } = await secondFactors();
      await enrolled();
      redis.down = true;
      expect((await rejection(service.challenge(user.id)))?.code).toBe('SERVICE_UNAVAILABLE');
      expect((await rejection(service.redeem('any', '123456', ADDRESS)))?.code).toBe('SERVICE_UNAVAILABLE');
    });
  });

  describe('turning it off', () => {
    it('needs the password and a right code; then it is off, announced and mailed to the owner', async () => {
      const { service, user, published, mails, enrolled, store } = await secondFactors();
      const { secret } = await enrolled();
      await service.disableTotp(user, PASSWORD, await codeFor(secret, 1), ADDRESS);
      expect(await service.status(user.id)).toEqual({ totp: 'off', confirmedAt: null, recoveryCodesLeft: 0 });
      expect(store.recoveryCodes).toEqual([]);
      expect(published.at(-1)).toEqual({ name: 'second-factor.changed', payload: { userId: user.id, enrolled: false } });
      expect(mails.map((m) => (m.message as { template: string }).template)).toEqual(['second-factor-on', 'second-factor-off']);
      expect(mails[1]!.to).toBe('kw@example.test');
    });

    it('a recovery code does instead of a TOTP code', async () => {
      const { service, user, enrolled } = await secondFactors();
      const { recoveryCodes } = await enrolled();
      await service.disableTotp(user, PASSWORD, recoveryCodes[0]!, ADDRESS);
      expect(await service.hasSecondFactor(user.id)).toBe(false);
    });

    it('stays on with a wrong password (the code is not even checked), counted against the password budget', async () => {
      const { service, user, attempts, codes, mails, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      const refused = await rejection(service.disableTotp(user, 'not the password', await codeFor(secret, 1), ADDRESS));
      expect(refused?.code).toBe('FORBIDDEN');
      expect(await service.hasSecondFactor(user.id)).toBe(true);
      expect(attempts.counted).toEqual(['password:kw@example.test']);
      expect(codes.counted).toEqual([]);
      expect(mails).toHaveLength(1);
    });

    it('stays on with the right password and a wrong or replayed code', async () => {
      const { service, user, enrolled } = await secondFactors();
      const { secret } = await enrolled();
      expect((await rejection(service.disableTotp(user, PASSWORD, '000000', ADDRESS)))?.code).toBe('FORBIDDEN');
      expect((await rejection(service.disableTotp(user, PASSWORD, await codeFor(secret), ADDRESS)))?.code).toBe('FORBIDDEN');
      expect(await service.hasSecondFactor(user.id)).toBe(true);
    });

    it('is not found when it was never on', async () => {
      const { service, user } = await secondFactors();
      expect((await rejection(service.disableTotp(user, PASSWORD, '123456', ADDRESS)))?.code).toBe('NOT_FOUND');
    });
  });
});
