import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import request from 'supertest';
import { enrolTotp } from '../support/mfa';
import { GROUPS_CONTROLLERS } from '../../apps/forum/src/groups/groups.controllers';
import { bearer, Person, registerAndLogin } from '../support/people';
import { acceptAgreement, apply, createAdmin, createGroup, groupBody, issueReferralCode } from '../support/groups';
import { RunningHttpApp, startForum } from '../support/stack';

/**
 * Every endpoint of groups, agreements, membership and signposting, called by every kind of caller,
 * gets the answer API.md implies: 401 when a signed-in route is called anonymously, 404 where the
 * caller may not learn that the thing exists, 403 otherwise.
 */

const CALLERS = ['anonymous', 'outsider', 'pending applicant', 'approved, not accepted', 'member', 'supporter of another group', 'supporter', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** Everything one row of the matrix needs: a group with a person in each role towards it. */
interface World {
  groupId: string;
  /** The pending applicant's application. */
  applicationId: string;
  resourceId: string;
  /** A supporter of the group the admin can appoint again or remove. */
  targetId: string;
  /** In the shared world only: a member of this group and of no other, whose profile only the group's people may read. */
  lonerId?: string;
}

interface Endpoint {
  name: string;
  /** Changes state: each caller gets a world of its own, so one call cannot change another's answer. */
  mutates?: boolean;
  call: (world: World, agent: request.SuperTest<request.Test>) => request.Test;
  expected: Expected;
  /** Further checks on a successful answer, by caller. */
  check?: (caller: Caller, body: Record<string, unknown>, people: Record<Exclude<Caller, 'anonymous'>, Person>) => void;
  /** Refusal codes other than the usual one for their status, by caller. */
  codes?: Partial<Record<Caller, string>>;
}

const everyone = (status: number): Expected => Object.fromEntries(CALLERS.map((c) => [c, status])) as Expected;
const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
const adminOnly = (status: number): Expected => ({ ...signedIn(403), admin: status });
const moderators = (status: number, refused = 403): Expected => ({ ...signedIn(refused), supporter: status, admin: status });

const ENDPOINTS: Endpoint[] = [
  // Opening a draft, listing and revoking referral codes, and appointing a supporter by address are the admin's alone.
  { name: 'POST /groups/:groupId/open', mutates: true, call: (w, a) => a.post(`/groups/${w.groupId}/open`).send({}), expected: adminOnly(200) },
  { name: 'GET /groups/:groupId/referral-codes', call: (w, a) => a.get(`/groups/${w.groupId}/referral-codes`), expected: adminOnly(200) },
  {
    name: 'DELETE /groups/:groupId/referral-codes/:codeId',
    call: (w, a) => a.delete(`/groups/${w.groupId}/referral-codes/${randomUUID()}`),
    expected: adminOnly(404),
  },
  {
    name: 'POST /groups/:groupId/supporters',
    call: (w, a) => a.post(`/groups/${w.groupId}/supporters`).send({ email: `nobody-${randomUUID()}@example.test` }),
    expected: adminOnly(404),
  },
  // Inviting a supporter by email, listing and revoking invitations are the admin's alone; anyone signed in may try a token.
  {
    name: 'POST /groups/:groupId/supporter-invitations',
    call: (w, a) => a.post(`/groups/${w.groupId}/supporter-invitations`).send({ email: `invitee-${randomUUID()}@example.test` }),
    expected: adminOnly(201),
  },
  { name: 'GET /groups/:groupId/supporter-invitations', call: (w, a) => a.get(`/groups/${w.groupId}/supporter-invitations`), expected: adminOnly(200) },
  {
    name: 'DELETE /groups/:groupId/supporter-invitations/:invitationId',
    call: (w, a) => a.delete(`/groups/${w.groupId}/supporter-invitations/${randomUUID()}`),
    expected: adminOnly(404),
  },
  {
    name: 'POST /supporter-invitations/accept',
    call: (_w, a) => a.post('/supporter-invitations/accept').send({ token: randomUUID().replace(/-/g, '') }),
    expected: signedIn(404),
  },
  { name: 'GET /groups', call: (_w, a) => a.get('/groups'), expected: everyone(200) },
  { name: 'POST /groups', call: (_w, a) => a.post('/groups').send(groupBody()), expected: adminOnly(201) },
  {
    name: 'GET /groups/:groupId',
    call: (w, a) => a.get(`/groups/${w.groupId}`),
    expected: everyone(200),
    check: (caller, body) => expect('moderation' in body).toBe(caller === 'supporter' || caller === 'admin'),
  },
  { name: 'PATCH /groups/:groupId', call: (w, a) => a.patch(`/groups/${w.groupId}`).send({ description: 'Updated description.' }), expected: adminOnly(200) },
  { name: 'GET /groups/:groupId/agreement', call: (w, a) => a.get(`/groups/${w.groupId}/agreement`), expected: everyone(200) },
  {
    name: 'PUT /groups/:groupId/agreement',
    mutates: true,
    call: (w, a) => a.put(`/groups/${w.groupId}/agreement`).send({ clauses: [{ key: 'respect', title: 'Respect', text: 'Be kind.' }] }),
    expected: adminOnly(201),
  },
  {
    name: 'POST /groups/:groupId/agreement/acceptances',
    mutates: true,
    call: (w, a) => a.post(`/groups/${w.groupId}/agreement/acceptances`).send({ version: 1 }),
    expected: { ...signedIn(403), 'approved, not accepted': 201, member: 201, supporter: 201, admin: 201 },
  },
  {
    name: 'POST /groups/:groupId/applications',
    mutates: true,
    call: (w, a) => a.post(`/groups/${w.groupId}/applications`).send({ answers: { diagnosis: 'yes' }, declaration: true }),
    expected: { ...signedIn(201), 'pending applicant': 409, 'approved, not accepted': 409, member: 409, supporter: 409 },
  },
  {
    name: 'GET /groups/:groupId/my-application',
    call: (w, a) => a.get(`/groups/${w.groupId}/my-application`),
    expected: signedIn(200),
    // Each caller sees their own application only: the pending applicant theirs, someone who never applied none.
    check: (caller, body) => {
      const application = body.application as { status: string } | null;
      const expected: Partial<Record<Caller, string>> = { 'pending applicant': 'pending', 'approved, not accepted': 'approved', member: 'approved' };
      expect(application?.status ?? null).toBe(expected[caller] ?? null);
    },
  },
  { name: 'GET /groups/:groupId/applications', call: (w, a) => a.get(`/groups/${w.groupId}/applications?status=pending`), expected: moderators(200) },
  {
    name: 'POST /applications/:applicationId/decision',
    mutates: true,
    call: (w, a) => a.post(`/applications/${w.applicationId}/decision`).send({ decision: 'approve', reason: 'Welcome.' }),
    // Someone who may not decide it may not learn that the application exists, its own applicant included.
    expected: moderators(200, 404),
  },
  {
    name: 'POST /groups/:groupId/referral-codes',
    call: (w, a) =>
      a.post(`/groups/${w.groupId}/referral-codes`).send({ label: 'GP surgery', maxUses: 5, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
    expected: adminOnly(201),
  },
  { name: 'PUT /groups/:groupId/supporters/:userId', call: (w, a) => a.put(`/groups/${w.groupId}/supporters/${w.targetId}`), expected: adminOnly(204) },
  {
    name: 'DELETE /groups/:groupId/supporters/:userId',
    mutates: true,
    call: (w, a) => a.delete(`/groups/${w.groupId}/supporters/${w.targetId}`),
    expected: adminOnly(204),
  },
  { name: 'GET /groups/:groupId/members', call: (w, a) => a.get(`/groups/${w.groupId}/members`), expected: moderators(200) },
  {
    // The composer's @ suggestions: only those taking part in the group (the agreement accepted) may ask, and hear only its own members.
    name: 'GET /groups/:groupId/members/mentionable',
    call: (w, a) => a.get(`/groups/${w.groupId}/members/mentionable?prefix=`),
    // Here the supporter and the admin have not accepted the agreement (the member has): they are asked to first.
    expected: { ...signedIn(403), member: 200 },
    codes: { 'approved, not accepted': 'AGREEMENT_REQUIRED', supporter: 'AGREEMENT_REQUIRED', admin: 'AGREEMENT_REQUIRED' },
    check: (caller, body, people) => {
      const names = (body.items as Array<{ displayName: string }>).map((i) => i.displayName);
      // The group's supporter (never the caller), never the other group's supporter, the pending applicant or the outsider.
      expect(names).toEqual(expect.arrayContaining([people.supporter.displayName]));
      for (const other of ['outsider', 'pending applicant', 'supporter of another group', caller] as const) {
        if (other !== 'anonymous') expect(names).not.toContain(people[other].displayName);
      }
    },
  },
  { name: 'GET /groups/:groupId/resources', call: (w, a) => a.get(`/groups/${w.groupId}/resources`), expected: everyone(200) },
  {
    name: 'POST /groups/:groupId/resources',
    call: (w, a) => a.post(`/groups/${w.groupId}/resources`).send({ kind: 'peer', title: 'Kidney Care UK', url: 'https://www.kidneycareuk.org' }),
    expected: adminOnly(201),
  },
  {
    name: 'DELETE /groups/:groupId/resources/:resourceId',
    mutates: true,
    call: (w, a) => a.delete(`/groups/${w.groupId}/resources/${w.resourceId}`),
    expected: adminOnly(204),
  },
  {
    // Leaving is the member's own act: anyone without an active membership (an admin who is not one included) has nothing to leave.
    name: 'DELETE /groups/:groupId/membership',
    mutates: true,
    call: (w, a) => a.delete(`/groups/${w.groupId}/membership`),
    expected: { ...signedIn(404), 'approved, not accepted': 204, member: 204, supporter: 204 },
  },
  {
    // A member of this group only (callers are people of other groups too): those who share it read their profile; nobody else learns that they exist.
    name: 'GET /users/:userId/profile',
    call: (w, a) => a.get(`/users/${w.lonerId}/profile`),
    expected: { ...signedIn(404), 'approved, not accepted': 200, member: 200, supporter: 200, admin: 200 },
    check: (_caller, body) => expect(Object.keys(body).sort()).toEqual(['aboutMe', 'displayName', 'id']),
  },
  {
    // Who is in the chat room: for those who may be in it (a member who has accepted the agreement), as its history is.
    name: 'GET /groups/:groupId/online',
    call: (w, a) => a.get(`/groups/${w.groupId}/online`),
    expected: { ...signedIn(403), member: 200 },
    codes: {
      outsider: 'NOT_A_MEMBER',
      'pending applicant': 'NOT_A_MEMBER',
      'supporter of another group': 'NOT_A_MEMBER',
      'approved, not accepted': 'AGREEMENT_REQUIRED',
      supporter: 'AGREEMENT_REQUIRED',
      admin: 'AGREEMENT_REQUIRED',
    },
    check: (_caller, body) => expect(Array.isArray(body)).toBe(true),
  },
  { name: 'GET /me', call: (_w, a) => a.get('/me'), expected: signedIn(200) },
  { name: 'GET /me/posts', call: (_w, a) => a.get('/me/posts'), expected: signedIn(200) },
  { name: 'GET /me/notices', call: (_w, a) => a.get('/me/notices'), expected: signedIn(200) },
];

/** The problem code each refusal must carry. */
function expectedCode(endpoint: Endpoint, status: number, caller: Caller): string | undefined {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 403 && endpoint.codes?.[caller]) return endpoint.codes[caller];
  if (status === 403) return endpoint.name.includes('acceptances') || endpoint.name.includes('mentionable') ? 'NOT_A_MEMBER' : 'FORBIDDEN';
  return undefined;
}

describe('authorization matrix: groups, agreements, membership, signposting', () => {
  let forum: RunningHttpApp;
  const people = {} as Record<Exclude<Caller, 'anonymous'>, Person> & { target: Person };
  let shared: World;

  /** A fresh group where each signed-in caller stands in their role; people are reused across groups. */
  async function newWorld(): Promise<World> {
    const admin = people.admin;
    const group = await createGroup(forum, admin, {
      eligibility: { minAge: 18, questions: [{ key: 'diagnosis', prompt: 'Do you live with kidney disease?', required: true }] },
    });
    const code = await issueReferralCode(forum, admin, group.id);
    const pending = await apply(forum, people['pending applicant'], group.id).expect(201);
    await apply(forum, people['approved, not accepted'], group.id, { referralCode: code }).expect(201);
    await apply(forum, people.member, group.id, { referralCode: code }).expect(201);
    await acceptAgreement(forum, people.member, group.id);
    await request(forum.url).put(`/groups/${group.id}/supporters/${people.supporter.id}`).set(bearer(admin)).expect(204);
    await request(forum.url).put(`/groups/${group.id}/supporters/${people.target.id}`).set(bearer(admin)).expect(204);
    const resources = await request(forum.url).get(`/groups/${group.id}/resources`).expect(200);
    return { groupId: group.id, applicationId: pending.body.id, resourceId: resources.body.items[0].id, targetId: people.target.id };
  }

  beforeAll(async () => {
    forum = await startForum();
    people.admin = await createAdmin(forum);
    for (const caller of ['outsider', 'pending applicant', 'approved, not accepted', 'member', 'supporter of another group', 'supporter'] as const) {
      people[caller] = await registerAndLogin(forum.url);
    }
    people.target = await registerAndLogin(forum.url);
    // Staff have two-step sign-in, so what each caller hears here is their role's answer, not MFA_REQUIRED (tests/e2e/mfa.e2e-spec.ts).
    await enrolTotp(forum.url, people.supporter);
    await enrolTotp(forum.url, people['supporter of another group']);
    const otherGroup = await createGroup(forum, people.admin);
    await request(forum.url).put(`/groups/${otherGroup.id}/supporters/${people['supporter of another group'].id}`).set(bearer(people.admin)).expect(204);
    await acceptAgreement(forum, people['supporter of another group'], otherGroup.id);
    shared = await newWorld();
    const loner = await registerAndLogin(forum.url);
    await apply(forum, loner, shared.groupId, { referralCode: await issueReferralCode(forum, people.admin, shared.groupId) }).expect(201);
    shared.lonerId = loner.id;
  });

  afterAll(async () => {
    await forum?.close();
  });

  const cells = ENDPOINTS.flatMap((endpoint) => CALLERS.map((caller) => [endpoint.name, caller, endpoint.expected[caller], endpoint] as const));

  it.each(cells)('%s as %s → %i', async (_name, caller, status, endpoint) => {
    const world = endpoint.mutates ? await newWorld() : shared;
    const agent = request(forum.url) as unknown as request.SuperTest<request.Test>;
    let call = endpoint.call(world, agent);
    if (caller !== 'anonymous') call = call.set(bearer(people[caller]));
    const response = await call;
    expect({ caller, status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ caller, status, body: undefined });
    const code = (status >= 400 && endpoint.codes?.[caller]) || expectedCode(endpoint, status, caller);
    if (code) {
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.code).toBe(code);
    } else {
      endpoint.check?.(caller, response.body, people);
    }
  });

  it('covers every route the groups controllers serve', () => {
    const routes = GROUPS_CONTROLLERS.flatMap((controller) => {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as unknown as Record<string, unknown>;
      return Object.getOwnPropertyNames(prototype)
        .filter((name) => name !== 'constructor')
        .map((name) => prototype[name])
        .filter((handler): handler is object => typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
        .map((handler) => {
          const path = String(Reflect.getMetadata(PATH_METADATA, handler));
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          return `${method} /${[base, path].filter((p) => p && p !== '/').join('/')}`;
        });
    });
    expect(routes.length).toBeGreaterThan(10);
    const tested = new Set(ENDPOINTS.map((e) => e.name));
    expect(routes.filter((route) => !tested.has(route))).toEqual([]);
  });
});
