import request from 'supertest';
import { enrolTotp } from './mfa';
import { bearer, Person, registerAndLogin } from './people';
import { acceptAgreement, createAdmin, createGroup as createGroupWithBody, issueReferralCode } from './groups';

// One way to make admins, codes and acceptances across the suites.
export { createAdmin, issueReferralCode as referralCode, acceptAgreement as acceptCurrentAgreement };

/** Anything reachable over HTTP: an in-process app or a spawned process. */
export type Service = { url: string };

export const ALWAYS_COVERED = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

/** Moderation settings for tests: post-moderated, covered around the clock, with `overrides` on top. */
export function testModeration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'post',
    firstPostsHeld: 0,
    reviewSlaMinutes: 60,
    urgentSlaMinutes: 10,
    reportsToHide: 2,
    coverage: ALWAYS_COVERED,
    timezone: 'Europe/London',
    outOfCoverage: 'pre',
    ...overrides,
  };
}

/** A group whose moderation is switched to `moderation` (on top of sensible test defaults). */
export async function createGroup(
  forum: Service,
  admin: Person,
  moderation: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const group = await createGroupWithBody(forum, admin, { moderation: testModeration(moderation), ...extra });
  return group.id;
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
  await acceptAgreement(forum, person, groupId);
  return person;
}

/** A supporter of the group, appointed by the admin, who has accepted the agreement and set up two-step sign-in. */
export async function appointedSupporter(forum: Service, admin: Person, groupId: string, code: string): Promise<Person> {
  const person = await joinedMember(forum, groupId, code);
  await request(forum.url).put(`/groups/${groupId}/supporters/${person.id}`).set(bearer(admin)).expect(204);
  await enrolTotp(forum.url, person);
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
