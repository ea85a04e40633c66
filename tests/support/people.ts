import { randomUUID } from 'node:crypto';
import request from 'supertest';

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

/** Registers and signs in a new person through the public API. */
export async function registerAndLogin(baseUrl: string, overrides: Partial<Record<string, unknown>> = {}): Promise<Person> {
  const body = newRegistration(overrides);
  const registered = await request(baseUrl).post('/auth/register').send(body).expect(201);
  const login = await request(baseUrl).post('/auth/login').send({ email: body.email, password: body.password }).expect(200);
  return { id: registered.body.id, email: body.email, password: body.password, displayName: body.displayName, token: login.body.token };
}

export const bearer = (person: { token: string }) => ({ Authorization: `Bearer ${person.token}` });
