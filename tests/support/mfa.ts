import { generate } from 'otplib';
import request from 'supertest';
import { bearer } from './people';

/** What a person's enrolment gave them: the authenticator secret and the recovery codes not yet used. */
export interface SecondFactor {
  secret: string;
  recoveryCodes: string[];
}

/** Second factors of the people the tests enrolled, by user id and by email (when known). */
export const secondFactors = new Map<string, SecondFactor>();

/** The code an authenticator app shows for `secret`, `stepsAhead` 30-second steps from now (the server accepts one step either side). */
export function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}

/**
 * Turns on two-step sign-in through the public API, the way a person does with an authenticator
 * app. Platform admins and supporters need it before any moderation or admin endpoint answers them.
 */
export async function enrolTotp(baseUrl: string, person: { id: string; token: string; email?: string }): Promise<SecondFactor> {
  const started = await request(baseUrl).post('/me/mfa/totp').set(bearer(person));
  if (started.status !== 201) throw new Error(`enrolment not started: ${started.status} ${JSON.stringify(started.body)}`);
  const secret = started.body.secret as string;
  const confirmed = await request(baseUrl)
    .post('/me/mfa/totp/confirm')
    .set(bearer(person))
    .send({ code: await totpCode(secret) });
  if (confirmed.status !== 200) throw new Error(`enrolment not confirmed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  const factor = { secret, recoveryCodes: [...(confirmed.body.recoveryCodes as string[])] };
  secondFactors.set(person.id, factor);
  if (person.email) secondFactors.set(person.email.toLowerCase(), factor);
  return factor;
}

/**
 * Signs in someone the tests enrolled: password, then one of their recovery codes (a TOTP code
 * of a step already used would be refused as a replay, so tests that sign in again use these).
 */
export async function signInWithSecondFactor(baseUrl: string, person: { id: string; email: string; password: string }): Promise<string> {
  const factor = secondFactors.get(person.id);
  const first = await request(baseUrl).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
  if (!first.body.mfaRequired) return first.body.token as string;
  const code = factor?.recoveryCodes.shift();
  if (!code) throw new Error(`no recovery code left for ${person.id}`);
  const second = await request(baseUrl).post('/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code }).expect(200);
  return second.body.token as string;
}

/** One unused recovery code of someone the tests enrolled, by email; each is handed out once. */
export function takeRecoveryCode(email: string): string {
  const code = secondFactors.get(email.toLowerCase())?.recoveryCodes.shift();
  if (!code) throw new Error(`no recovery code left for ${email}`);
  return code;
}
