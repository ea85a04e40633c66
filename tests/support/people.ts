import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { linkIn, testMailbox } from './mailbox';

export interface Person {
  id: string;
  email: string;
  password: string;
  displayName: string;
  token: string;
}

let counter = 0;

/** A unique, valid registration body. */
export function newRegistration(overrides: Partial<Record<string, unknown>> = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${randomUUID().slice(0, 4)}`;
  return {
    email: `member-${tag}@example.org`,
    password: 'a long and unguessable phrase',
    displayName: `Member ${tag}`,
    dateOfBirth: '2000-05-17',
    consent: true,
    ...overrides,
  };
}

/** Follows the verification link mailed to a new address (to this test file's mailbox). */
export async function verifyMailedAddress(baseUrl: string, email: string): Promise<void> {
  const mail = await (await testMailbox()).waitFor(email, { subject: /Confirm your email address/ });
  await request(baseUrl)
    .post('/auth/verify-email')
    .send({ token: linkIn(mail, 'verify-email').token })
    .expect(204);
}

/** Registers a new person through the public API, follows the mailed verification link, and signs in. */
export async function registerAndLogin(baseUrl: string, overrides: Partial<Record<string, unknown>> = {}): Promise<Person> {
  const body = newRegistration(overrides);
  await request(baseUrl).post('/auth/register').send(body).expect(202);
  await verifyMailedAddress(baseUrl, body.email);
  const login = await request(baseUrl).post('/auth/login').send({ email: body.email, password: body.password }).expect(200);
  return { id: login.body.user.id, email: body.email, password: body.password, displayName: body.displayName, token: login.body.token };
}

export const bearer = (person: { token: string }) => ({ Authorization: `Bearer ${person.token}` });
