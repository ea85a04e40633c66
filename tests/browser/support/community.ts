import request from 'supertest';
import { enrolTotp } from '../../support/mfa';
import { bearer, Person, registerAndLogin } from '../../support/people';
import { acceptAgreement, apply, createGroup, issueReferralCode } from '../../support/groups';
import { testModeration } from '../../support/community';

/** A group with supporter cover around the clock and the given moderation settings. */
export async function groupWith(
  forum: { url: string },
  admin: Person,
  moderation: Record<string, unknown>,
): Promise<{ id: string; name: string; code: string }> {
  const group = await createGroup(forum, admin, { moderation: testModeration(moderation) });
  const code = await issueReferralCode(forum, admin, group.id);
  return { id: group.id, name: String(group.name), code };
}

/** Someone let in with a referral code who has accepted the current agreement. */
export async function memberOf(forum: { url: string }, groupId: string, code: string, overrides: Record<string, unknown> = {}): Promise<Person> {
  const person = await registerAndLogin(forum.url, overrides);
  const answer = await apply(forum, person, groupId, { referralCode: code }).expect(201);
  if (answer.body.status !== 'approved') throw new Error(`not approved: ${JSON.stringify(answer.body)}`);
  await acceptAgreement(forum, person, groupId);
  return person;
}

/** A member the admin has appointed as one of the group's supporters, with two-step sign-in set up. */
export async function supporterOf(forum: { url: string }, admin: Person, groupId: string, code: string): Promise<Person> {
  const person = await memberOf(forum, groupId, code);
  await request(forum.url).put(`/groups/${groupId}/supporters/${person.id}`).set(bearer(admin)).expect(204);
  await enrolTotp(forum.url, person);
  return person;
}
