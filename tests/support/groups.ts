import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { IdentityService } from '@kindred/identity';
import { enrolTotp } from './mfa';
import { bearer, Person } from './people';
import type { RunningHttpApp } from './stack';

/** A platform admin, made the way `npm run admin:create` makes one, then signed in through the API. */
export async function createAdmin(forum: RunningHttpApp): Promise<Person> {
  // Letters only: a random tag with digits is sometimes shaped like a postcode ("ka79dx"), which a display name may not hold.
  const tag = randomUUID()
    .replace(/-/g, '')
    .slice(0, 10)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
  const email = `admin-${tag}@example.org`;
  const password = 'an admin pass phrase for tests';
  const displayName = `Admin ${tag}`;
  const { id } = await forum.app.get(IdentityService).createOrPromoteAdmin({ email, password, displayName });
  const login = await request(forum.url).post('/auth/login').send({ email, password }).expect(200);
  const admin = { id, email, password, displayName, token: login.body.token };
  // Admin endpoints answer MFA_REQUIRED until the admin has a second factor.
  await enrolTotp(forum.url, admin);
  return admin;
}

/** A valid POST /groups body for an 18–30 kidney group, with a required question expecting "yes". */
export function groupBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const slug = `kidney-${randomUUID().slice(0, 13)}`;
  return {
    slug,
    name: `Young adults with kidney disease ${slug}`,
    description: 'Peer support for 18 to 30 year olds living with kidney disease.',
    condition: 'Chronic kidney disease',
    eligibility: {
      minAge: 18,
      maxAge: 30,
      questions: [
        { key: 'diagnosis', prompt: 'Do you live with kidney disease?', required: true, expected: 'yes' },
        { key: 'heard-from', prompt: 'How did you hear about us?', required: false },
      ],
    },
    ...overrides,
  };
}

/** A group as POST /groups answers it. */
export type CreatedGroup = Record<string, unknown> & { id: string; slug: string };

export async function createGroup(forum: { url: string }, admin: Person, overrides: Record<string, unknown> = {}): Promise<CreatedGroup> {
  const response = await request(forum.url).post('/groups').set(bearer(admin)).send(groupBody(overrides));
  if (response.status !== 201) throw new Error(`group not created: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function issueReferralCode(forum: { url: string }, admin: Person, groupId: string, maxUses = 100): Promise<string> {
  const response = await request(forum.url)
    .post(`/groups/${groupId}/referral-codes`)
    .set(bearer(admin))
    .send({ label: 'Leeds renal unit', maxUses, expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
    .expect(201);
  return response.body.code as string;
}

export function apply(forum: { url: string }, person: Person, groupId: string, body: Record<string, unknown> = {}) {
  return request(forum.url)
    .post(`/groups/${groupId}/applications`)
    .set(bearer(person))
    .send({ answers: { diagnosis: 'yes' }, declaration: true, ...body });
}

export async function acceptAgreement(forum: { url: string }, person: Person, groupId: string): Promise<number> {
  const agreement = await request(forum.url).get(`/groups/${groupId}/agreement`).expect(200);
  await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(person)).send({ version: agreement.body.version }).expect(201);
  return agreement.body.version as number;
}

/** Whether the public directory lists the group, on any of its pages (a full run leaves many pages of groups behind). */
export async function inDirectory(forum: { url: string }, groupId: string): Promise<boolean> {
  for (let cursor: string | null = null; ; ) {
    const page = await request(forum.url)
      .get(`/groups?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      .expect(200);
    if ((page.body.items as Array<{ id: string }>).some((g) => g.id === groupId)) return true;
    cursor = page.body.nextCursor as string | null;
    if (!cursor) return false;
  }
}
