import request from 'supertest';
import { IdentityService } from '@kindred/identity';
import { bearer, Person, registerAndLogin } from './people';
import type { RunningHttpApp } from './stack';

/** Anything reachable over HTTP: an in-process app or a spawned process. */
export type Service = { url: string };

/** An admin, created the way `npm run admin:create` does, then signed in through the API. */
export async function createAdmin(forum: RunningHttpApp): Promise<Person> {
  const tag = Math.random().toString(36).slice(2, 8);
  const email = `admin-${tag}@example.org`;
  const password = 'an admin pass phrase';
  const displayName = `Admin ${tag}`;
  const { id } = await forum.app.get(IdentityService).createOrPromoteAdmin({ email, password, displayName });
  const login = await request(forum.url).post('/auth/login').send({ email, password }).expect(200);
  return { id, email, password, displayName, token: login.body.token };
}

export const ALWAYS_COVERED = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

/** A group whose moderation is switched to `moderation` (on top of sensible test defaults). */
export async function createGroup(forum: Service, admin: Person, moderation: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<string> {
  const slug = `group-${Math.random().toString(36).slice(2, 10)}`;
  const response = await request(forum.url)
    .post('/groups')
    .set(bearer(admin))
    .send({
      slug,
      name: `Young adults with kidney disease ${slug}`,
      description: 'Peer support for 18 to 30 year olds living with kidney disease.',
      condition: 'Chronic kidney disease',
      eligibility: { minAge: 18, maxAge: 30, questions: [{ key: 'diagnosis', prompt: 'Do you live with kidney disease?', required: true, expected: 'yes' }] },
      moderation: {
        mode: 'post',
        firstPostsHeld: 0,
        reviewSlaMinutes: 60,
        urgentSlaMinutes: 10,
        reportsToHide: 2,
        coverage: ALWAYS_COVERED,
        timezone: 'Europe/London',
        outOfCoverage: 'pre',
        ...moderation,
      },
      ...extra,
    });
  if (response.status !== 201) throw new Error(`group not created: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

/** A referral code an admin issues, good for `maxUses` approvals. */
export async function referralCode(forum: Service, admin: Person, groupId: string, maxUses = 100): Promise<string> {
  const response = await request(forum.url)
    .post(`/groups/${groupId}/referral-codes`)
    .set(bearer(admin))
    .send({ label: 'Renal unit', maxUses, expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
    .expect(201);
  return response.body.code as string;
}

export async function acceptCurrentAgreement(forum: Service, person: Person, groupId: string): Promise<number> {
  const agreement = await request(forum.url).get(`/groups/${groupId}/agreement`).expect(200);
  await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(person)).send({ version: agreement.body.version }).expect(201);
  return agreement.body.version as number;
}

/** A new person, approved into the group with a referral code, who has accepted the agreement. */
export async function joinedMember(forum: Service, groupId: string, code: string, overrides: Partial<Record<string, unknown>> = {}): Promise<Person> {
  const person = await registerAndLogin(forum.url, overrides);
  const application = await request(forum.url)
    .post(`/groups/${groupId}/applications`)
    .set(bearer(person))
    .send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: code })
    .expect(201);
  if (application.body.status !== 'approved') throw new Error(`not approved: ${JSON.stringify(application.body)}`);
  await acceptCurrentAgreement(forum, person, groupId);
  return person;
}

/** A supporter of the group, appointed by the admin, who has accepted the agreement. */
export async function appointedSupporter(forum: Service, admin: Person, groupId: string, code: string): Promise<Person> {
  const person = await joinedMember(forum, groupId, code);
  await request(forum.url).put(`/groups/${groupId}/supporters/${person.id}`).set(bearer(admin)).expect(204);
  return person;
}

/** Polls until the post has left `screening` (the worker has decided), and returns it as its author sees it. */
export async function screened(forum: Service, author: Person, postId: string, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(forum.url).get(`/posts/${postId}`).set(bearer(author)).expect(200);
    if (response.body.status !== 'screening') return response.body;
    if (Date.now() > deadline) throw new Error(`post ${postId} still in screening after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
