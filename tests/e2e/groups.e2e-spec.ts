import request from 'supertest';
import { enrolTotp } from '../support/mfa';
import { DataSource } from 'typeorm';
import { DomainError, statusOf } from '@kindred/http';
import { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import { bearer, Person, registerAndLogin } from '../support/people';
import { acceptAgreement, apply, createAdmin, createGroup, groupBody, issueReferralCode } from '../support/groups';
import { RunningHttpApp, startForum } from '../support/stack';

const CLAUSE_KEYS = [
  'shared-experience',
  'confidentiality',
  'stay-unidentifiable',
  'experience-not-instructions',
  'respect',
  'no-graphic-detail',
  'no-selling-or-recruiting',
  'look-out-for-each-other',
  'not-an-emergency-service',
  'fair-enforcement',
];

/** Born `years` years ago (plus a month, so the birthday has passed). */
function dateOfBirthAged(years: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
}

/** What the guard sees: the same AuthUser the HTTP layer builds from a token. */
function asAuthUser(person: Person, isAdmin = false): AuthUser {
  return { id: person.id, displayName: person.displayName, isAdmin, sessionId: 'test' };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('groups, agreements and membership', () => {
  let forum: RunningHttpApp;
  let admin: Person;
  let participation: ParticipationService;

  beforeAll(async () => {
    forum = await startForum();
    admin = await createAdmin(forum);
    participation = forum.app.get(ParticipationService);
  });

  afterAll(async () => {
    await forum?.close();
  });

  describe('groups and their defaults', () => {
    it('creates a group with default moderation, the agreement template and the UK crisis lines', async () => {
      const group = await createGroup(forum, admin);
      expect(group).toMatchObject({
        slug: expect.stringMatching(/^kidney-/),
        condition: 'Chronic kidney disease',
        slowModeSeconds: 0,
        moderation: {
          mode: 'first-posts',
          firstPostsHeld: 2,
          reviewSlaMinutes: 240,
          urgentSlaMinutes: 15,
          reportsToHide: 2,
          coverage: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '22:00' }],
          timezone: 'Europe/London',
          outOfCoverage: 'pre',
        },
      });

      const agreement = await request(forum.url).get(`/groups/${group.id}/agreement`).expect(200);
      expect(agreement.body.version).toBe(1);
      expect(agreement.body.clauses.map((c: { key: string }) => c.key)).toEqual(CLAUSE_KEYS);
      expect(Date.parse(agreement.body.publishedAt)).not.toBeNaN();

      const resources = await request(forum.url).get(`/groups/${group.id}/resources`).expect(200);
      const contacts = resources.body.items.map((r: { phone?: string; sms?: string }) => r.phone ?? r.sms);
      expect(contacts).toEqual(['999', '111', '116 123', '85258']);
      expect(resources.body.items.every((r: { kind: string }) => r.kind === 'crisis')).toBe(true);
      expect(resources.body.items[1].title).toMatch(/mental health/i);
    });

    it('shows the directory to anyone, without moderation settings or content, a page at a time', async () => {
      for (let i = 0; i < 3; i += 1) await createGroup(forum, admin);
      const first = await request(forum.url).get('/groups?limit=2').expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(Object.keys(first.body.items[0]).sort()).toEqual(['condition', 'description', 'eligibility', 'id', 'name', 'slug']);
      const second = await request(forum.url).get(`/groups?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      const ids = [...first.body.items, ...second.body.items].map((g: { id: string }) => g.id);
      expect(new Set(ids).size).toBe(ids.length);
      await request(forum.url).get('/groups?cursor=made-up').expect(422);
      await request(forum.url).get('/groups?limit=101').expect(422);
    });

    it('shows moderation settings only to admins and the group’s supporters', async () => {
      const group = await createGroup(forum, admin);
      const supporter = await registerAndLogin(forum.url);
      await request(forum.url).put(`/groups/${group.id}/supporters/${supporter.id}`).set(bearer(admin)).expect(204);
      const anyone = await request(forum.url).get(`/groups/${group.id}`).expect(200);
      expect(anyone.body.moderation).toBeUndefined();
      expect(anyone.body.slowModeSeconds).toBeUndefined();
      const asSupporter = await request(forum.url).get(`/groups/${group.id}`).set(bearer(supporter)).expect(200);
      expect(asSupporter.body.moderation.mode).toBe('first-posts');
      expect(asSupporter.body.slowModeSeconds).toBe(0);
    });

    it('updates a group, merging a partial moderation change over the current settings', async () => {
      const group = await createGroup(forum, admin, { slowModeSeconds: 10 });
      const updated = await request(forum.url)
        .patch(`/groups/${group.id}`)
        .set(bearer(admin))
        .send({ name: 'Renamed group', moderation: { mode: 'pre', timezone: 'Europe/Dublin' } })
        .expect(200);
      expect(updated.body).toMatchObject({
        name: 'Renamed group',
        slowModeSeconds: 10,
        moderation: { mode: 'pre', timezone: 'Europe/Dublin', reviewSlaMinutes: 240 },
      });
      const settings = await forum.app.get(GroupsService).getSettings(group.id);
      expect(settings).toMatchObject({ id: group.id, name: 'Renamed group', moderation: { mode: 'pre' }, slowModeSeconds: 10, chatRetentionDays: 90 });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown time zone', { moderation: { timezone: 'Mars/Olympus' } }, 'moderation.timezone'],
      ['an urgent SLA longer than the normal one', { moderation: { reviewSlaMinutes: 30, urgentSlaMinutes: 60 } }, 'moderation.urgentSlaMinutes'],
      ['a bad mode', { moderation: { mode: 'never' } }, 'moderation.mode'],
      ['a malformed cover window', { moderation: { coverage: [{ days: [0], from: '9', to: '17:00' }] } }, 'moderation.coverage'],
      ['an unknown moderation setting', { moderation: { autoBan: true } }, 'moderation.autoBan'],
      ['an impossible age range', { eligibility: { minAge: 30, maxAge: 18, questions: [] } }, 'eligibility.maxAge'],
      ['a question without a prompt', { eligibility: { questions: [{ key: 'diagnosis', required: true }] } }, 'eligibility.questions.0.prompt'],
      ['a bad slug', { slug: 'Not A Slug' }, 'slug'],
      ['a negative slow mode', { slowModeSeconds: -1 }, 'slowModeSeconds'],
      ['an unknown property', { colour: 'blue' }, 'colour'],
    ])('refuses a group with %s (422, naming the field)', async (_name, override, field) => {
      const response = await request(forum.url).post('/groups').set(bearer(admin)).send(groupBody(override)).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses non-admins before looking at what they sent', async () => {
      const person = await registerAndLogin(forum.url);
      const group = await createGroup(forum, admin);
      for (const [method, path] of [
        ['post', '/groups'],
        ['patch', `/groups/${group.id}`],
        ['put', `/groups/${group.id}/agreement`],
        ['post', `/groups/${group.id}/referral-codes`],
        ['post', `/groups/${group.id}/resources`],
      ] as const) {
        const response = await request(forum.url)[method](path).set(bearer(person)).send({ nonsense: true }).expect(403);
        expect(response.body.code).toBe('FORBIDDEN');
      }
    });

    it('refuses a slug that is taken with 409', async () => {
      const group = await createGroup(forum, admin);
      const response = await request(forum.url)
        .post('/groups')
        .set(bearer(admin))
        .send(groupBody({ slug: group.slug }))
        .expect(409);
      expect(response.body.code).toBe('CONFLICT');
    });

    it('answers 404 for a group that does not exist or an id that is not one', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const id of [missing, 'not-a-uuid', '1; DROP TABLE groups']) {
        for (const path of ['', '/agreement', '/resources']) {
          const response = await request(forum.url)
            .get(`/groups/${encodeURIComponent(id)}${path}`)
            .expect(404);
          expect(response.body.code).toBe('NOT_FOUND');
        }
        await request(forum.url)
          .patch(`/groups/${encodeURIComponent(id)}`)
          .set(bearer(admin))
          .send({ name: 'x' })
          .expect(404);
        await request(forum.url)
          .get(`/groups/${encodeURIComponent(id)}/members`)
          .set(bearer(admin))
          .expect(404);
        await request(forum.url)
          .post(`/applications/${encodeURIComponent(id)}/decision`)
          .set(bearer(admin))
          .send({ decision: 'approve', reason: 'ok' })
          .expect(404);
      }
    });

    it('manages the signposting directory', async () => {
      const group = await createGroup(forum, admin);
      const added = await request(forum.url)
        .post(`/groups/${group.id}/resources`)
        .set(bearer(admin))
        .send({ kind: 'clinical', title: 'Renal unit out-of-hours line', phone: '0113 000 0000', hours: 'Evenings and weekends' })
        .expect(201);
      expect(added.body).toMatchObject({ id: expect.any(String), kind: 'clinical', title: 'Renal unit out-of-hours line' });
      let list = await request(forum.url).get(`/groups/${group.id}/resources`).expect(200);
      expect(list.body.items.at(-1).id).toBe(added.body.id);
      await request(forum.url)
        .post(`/groups/${group.id}/resources`)
        .set(bearer(admin))
        .send({ kind: 'crisis', title: 'x', url: 'javascript:alert(1)' })
        .expect(422);
      await request(forum.url).delete(`/groups/${group.id}/resources/${added.body.id}`).set(bearer(admin)).expect(204);
      await request(forum.url).delete(`/groups/${group.id}/resources/${added.body.id}`).set(bearer(admin)).expect(404);
      list = await request(forum.url).get(`/groups/${group.id}/resources`).expect(200);
      expect(list.body.items).toHaveLength(4);
    });
  });

  describe('the application flow', () => {
    let groupId: string;
    let supporter: Person;

    beforeAll(async () => {
      groupId = (await createGroup(forum, admin, { moderation: { reviewSlaMinutes: 90, urgentSlaMinutes: 10 } })).id;
      supporter = await registerAndLogin(forum.url);
      await request(forum.url).put(`/groups/${groupId}/supporters/${supporter.id}`).set(bearer(admin)).expect(204);
      await enrolTotp(forum.url, supporter);
    });

    it('refuses someone under the age range with 422 NOT_ELIGIBLE and plain words', async () => {
      const young = await registerAndLogin(forum.url, { dateOfBirth: dateOfBirthAged(16) });
      const response = await apply(forum, young, groupId).expect(422);
      expect(response.body.code).toBe('NOT_ELIGIBLE');
      expect(response.body.detail).toMatch(/aged 18 to 30/);
      expect(response.body.detail).not.toContain('16');
    });

    it('refuses a missing required answer and a missing declaration with 422', async () => {
      const person = await registerAndLogin(forum.url);
      const missing = await apply(forum, person, groupId, { answers: { 'heard-from': 'my nurse' } }).expect(422);
      expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'answers.diagnosis' })] });
      const undeclared = await apply(forum, person, groupId, { declaration: false }).expect(422);
      expect(undeclared.body.errors.map((e: { field: string }) => e.field)).toEqual(['declaration']);
      const unknownQuestion = await apply(forum, person, groupId, { answers: { diagnosis: 'yes', shoeSize: '9' } }).expect(422);
      expect(unknownQuestion.body.errors.map((e: { field: string }) => e.field)).toEqual(['answers.shoeSize']);
    });

    it('keeps an application pending until a supporter approves it, then tells the applicant', async () => {
      const applicant = await registerAndLogin(forum.url);
      const before = Date.now();
      const applied = await apply(forum, applicant, groupId, { answers: { diagnosis: 'not sure yet' } }).expect(201);
      expect(applied.body).toMatchObject({ id: expect.any(String), status: 'pending' });
      const dueIn = Date.parse(applied.body.dueAt) - before;
      expect(dueIn).toBeGreaterThanOrEqual(90 * 60_000 - 1000);
      expect(dueIn).toBeLessThanOrEqual(90 * 60_000 + 10_000);
      await apply(forum, applicant, groupId).expect(409);

      const queue = await request(forum.url).get(`/groups/${groupId}/applications?status=pending`).set(bearer(supporter)).expect(200);
      const mine = queue.body.items.find((a: { id: string }) => a.id === applied.body.id);
      expect(mine).toMatchObject({
        applicant: { id: applicant.id, displayName: applicant.displayName },
        answers: { diagnosis: 'not sure yet' },
        mismatches: ['diagnosis'],
        status: 'pending',
        dueAt: applied.body.dueAt,
        overdue: false,
      });
      expect(JSON.stringify(queue.body)).not.toContain(applicant.email);
      const created = queue.body.items.map((a: { createdAt: string }) => Date.parse(a.createdAt));
      expect(created).toEqual([...created].sort((a, b) => a - b));

      // Still outside the group until someone decides.
      expect(await participation.canSee(asAuthUser(applicant), groupId)).toBe(false);
      expect((await rejection(participation.assertParticipant(asAuthUser(applicant), groupId))).code).toBe('NOT_A_MEMBER');

      const decided = await request(forum.url)
        .post(`/applications/${applied.body.id}/decision`)
        .set(bearer(supporter))
        .send({ decision: 'approve', reason: 'Confirmed with the renal unit.' })
        .expect(200);
      expect(decided.body).toMatchObject({ status: 'approved', decidedBy: supporter.id, decisionReason: 'Confirmed with the renal unit.' });
      await request(forum.url)
        .post(`/applications/${applied.body.id}/decision`)
        .set(bearer(supporter))
        .send({ decision: 'reject', reason: 'again' })
        .expect(409);

      const notices = await request(forum.url).get('/me/notices').set(bearer(applicant)).expect(200);
      expect(notices.body.items[0]).toMatchObject({ kind: 'application', groupId, subjectId: applied.body.id, appealable: false, clauseKey: null });
      expect(notices.body.items[0].message).toMatch(/approved/);
      const me = await request(forum.url).get('/me').set(bearer(applicant)).expect(200);
      expect(me.body.memberships).toEqual([{ groupId, role: 'member', acceptedAgreementVersion: null, mutedUntil: null }]);
      await apply(forum, applicant, groupId).expect(409);
    });

    it('rejects with a reason the applicant is told, and leaves them outside', async () => {
      const applicant = await registerAndLogin(forum.url);
      const applied = await apply(forum, applicant, groupId).expect(201);
      await request(forum.url)
        .post(`/applications/${applied.body.id}/decision`)
        .set(bearer(admin))
        .send({ decision: 'reject', reason: 'This group is for patients, not carers.' })
        .expect(200);
      const notices = await request(forum.url).get('/me/notices').set(bearer(applicant)).expect(200);
      expect(notices.body.items[0]).toMatchObject({ kind: 'application', subjectId: applied.body.id });
      expect(notices.body.items[0].message).toContain('not carers');
      expect((await request(forum.url).get('/me').set(bearer(applicant))).body.memberships).toEqual([]);
      const rejected = await request(forum.url).get(`/groups/${groupId}/applications?status=rejected`).set(bearer(supporter)).expect(200);
      expect(rejected.body.items.map((a: { id: string }) => a.id)).toContain(applied.body.id);
    });

    it('approves at once with a referral code, and falls back to review when the code is used up or unknown', async () => {
      const code = await issueReferralCode(forum, admin, groupId, 1);
      const first = await registerAndLogin(forum.url);
      const approved = await apply(forum, first, groupId, { referralCode: code.toLowerCase() }).expect(201);
      expect(approved.body).toMatchObject({ status: 'approved', dueAt: null });
      expect((await request(forum.url).get('/me').set(bearer(first))).body.memberships).toEqual([
        { groupId, role: 'member', acceptedAgreementVersion: null, mutedUntil: null },
      ]);

      const second = await registerAndLogin(forum.url);
      const usedUp = await apply(forum, second, groupId, { referralCode: code }).expect(201);
      expect(usedUp.body.status).toBe('pending');
      expect(usedUp.body.dueAt).toEqual(expect.any(String));
      expect(usedUp.body.message).toMatch(/usual review/);

      const third = await registerAndLogin(forum.url);
      const unknown = await apply(forum, third, groupId, { referralCode: 'NOT-A-CODE' }).expect(201);
      expect(unknown.body).toMatchObject({ status: 'pending', message: expect.stringMatching(/could not be used/) });
    });

    it('does not accept an expired code, or a code of another group', async () => {
      const other = await createGroup(forum, admin);
      const otherCode = await issueReferralCode(forum, admin, other.id);
      const person = await registerAndLogin(forum.url);
      expect((await apply(forum, person, groupId, { referralCode: otherCode }).expect(201)).body.status).toBe('pending');

      await request(forum.url)
        .post(`/groups/${groupId}/referral-codes`)
        .set(bearer(admin))
        .send({ label: 'old', maxUses: 5, expiresAt: new Date(Date.now() - 1000).toISOString() })
        .expect(422);
      const code = await issueReferralCode(forum, admin, groupId);
      // Time passes: the code's expiry is wound back in the database.
      await forum.app.get(DataSource).query(`UPDATE referral_codes SET expires_at = now() - interval '1 minute' WHERE code = $1`, [code]);
      const late = await registerAndLogin(forum.url);
      const expired = await apply(forum, late, groupId, { referralCode: code }).expect(201);
      expect(expired.body).toMatchObject({ status: 'pending', message: expect.stringMatching(/expired/) });
    });

    it('gates taking part on the current agreement, and asks again when it changes', async () => {
      const code = await issueReferralCode(forum, admin, groupId);
      const member = await registerAndLogin(forum.url);
      await apply(forum, member, groupId, { referralCode: code }).expect(201);
      const user = asAuthUser(member);

      // Approved, but the agreement is not accepted yet.
      expect(await participation.canSee(user, groupId)).toBe(true);
      const gate = await rejection(participation.assertParticipant(user, groupId));
      expect(gate.code).toBe('AGREEMENT_REQUIRED');
      expect(statusOf(gate)).toBe(403);
      expect(gate.extra).toEqual({ version: 1 });

      // A version other than the current one is refused.
      const stale = await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(member)).send({ version: 2 }).expect(409);
      expect(stale.body).toMatchObject({ code: 'CONFLICT', version: 1 });

      const accepted = await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(member)).send({ version: 1 }).expect(201);
      expect(accepted.body).toMatchObject({ groupId, version: 1, acceptedAt: expect.any(String) });
      // Reading after acceptance: the guard lets them in, and /me says which version they accepted.
      await expect(participation.assertParticipant(user, groupId)).resolves.toMatchObject({
        userId: member.id,
        groupId,
        role: 'member',
        acceptedVersion: 1,
        currentVersion: 1,
        mutedUntil: null,
      });
      expect((await request(forum.url).get('/me').set(bearer(member))).body.memberships).toEqual([
        { groupId, role: 'member', acceptedAgreementVersion: 1, mutedUntil: null },
      ]);

      // A new version: everyone must accept again.
      const clauses = [
        { key: 'respect', title: 'Respect', text: 'Be kind.' },
        { key: 'no-spoilers', title: 'No spoilers', text: 'Mark anything upsetting with a content warning.' },
      ];
      const published = await request(forum.url).put(`/groups/${groupId}/agreement`).set(bearer(admin)).send({ clauses }).expect(201);
      expect(published.body).toMatchObject({ version: 2, clauses });
      expect((await request(forum.url).get(`/groups/${groupId}/agreement`).expect(200)).body.version).toBe(2);

      const again = await rejection(participation.assertParticipant(user, groupId));
      expect(again.code).toBe('AGREEMENT_REQUIRED');
      expect(again.extra).toEqual({ version: 2 });
      await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(member)).send({ version: 1 }).expect(409);
      await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(member)).send({ version: 2 }).expect(201);
      await expect(participation.assertParticipant(user, groupId)).resolves.toMatchObject({ acceptedVersion: 2, currentVersion: 2 });

      // Clauses are validated wherever they are cited, against the current version.
      const groups = forum.app.get(GroupsService);
      await expect(groups.assertClause(groupId, 'no-spoilers')).resolves.toBeUndefined();
      const cited = await rejection(groups.assertClause(groupId, 'confidentiality'));
      expect(cited.code).toBe('VALIDATION_FAILED');
      expect(cited.extra.errors).toEqual([expect.objectContaining({ field: 'clauseKey' })]);
      expect(await groups.isCurrentClause(groupId, 'respect')).toBe(true);
    });

    it('refuses an agreement with bad clauses, naming each', async () => {
      const response = await request(forum.url)
        .put(`/groups/${groupId}/agreement`)
        .set(bearer(admin))
        .send({
          clauses: [
            { key: 'respect', title: 'Respect', text: 'Be kind.' },
            { key: 'respect', title: '', text: 'Again.' },
          ],
        })
        .expect(422);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['clauses.1.key', 'clauses.1.title']);
      await request(forum.url).put(`/groups/${groupId}/agreement`).set(bearer(admin)).send({ clauses: [] }).expect(422);
    });

    it('makes supporters and admins accept before taking part too, but not before moderating', async () => {
      const group = await createGroup(forum, admin);
      const supporterHere = await registerAndLogin(forum.url);
      await request(forum.url).put(`/groups/${group.id}/supporters/${supporterHere.id}`).set(bearer(admin)).expect(204);
      await enrolTotp(forum.url, supporterHere);
      const asSupporter = asAuthUser(supporterHere);
      await expect(participation.assertModerator(asSupporter, group.id)).resolves.toBe('supporter');
      expect((await rejection(participation.assertParticipant(asSupporter, group.id))).code).toBe('AGREEMENT_REQUIRED');
      await request(forum.url).get(`/groups/${group.id}/members`).set(bearer(supporterHere)).expect(200);
      await acceptAgreement(forum, supporterHere, group.id);
      await expect(participation.assertParticipant(asSupporter, group.id)).resolves.toMatchObject({ role: 'supporter' });

      const asAdmin = asAuthUser(admin, true);
      expect((await rejection(participation.assertParticipant(asAdmin, group.id))).code).toBe('AGREEMENT_REQUIRED');
      await acceptAgreement(forum, admin, group.id);
      await expect(participation.assertParticipant(asAdmin, group.id)).resolves.toMatchObject({ role: 'admin', acceptedVersion: 1 });

      // Demoted supporters stay as members.
      await request(forum.url).delete(`/groups/${group.id}/supporters/${supporterHere.id}`).set(bearer(admin)).expect(204);
      await expect(participation.assertParticipant(asSupporter, group.id)).resolves.toMatchObject({ role: 'member' });
      await request(forum.url).get(`/groups/${group.id}/members`).set(bearer(supporterHere)).expect(403);
      await request(forum.url).delete(`/groups/${group.id}/supporters/${supporterHere.id}`).set(bearer(admin)).expect(404);
    });

    it('lists members for supporters, with their agreement version and mutes, a page at a time', async () => {
      const code = await issueReferralCode(forum, admin, groupId);
      const muted = await registerAndLogin(forum.url);
      await apply(forum, muted, groupId, { referralCode: code }).expect(201);
      await acceptAgreement(forum, muted, groupId);
      const until = new Date(Date.now() + 3_600_000);
      await forum.app.get(MembershipService).mute(muted.id, groupId, until);

      const seen: Array<Record<string, unknown>> = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await request(forum.url)
          .get(`/groups/${groupId}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(bearer(supporter))
          .expect(200);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen.map((m) => m.userId)).size).toBe(seen.length);
      expect(seen.find((m) => m.userId === supporter.id)).toMatchObject({ role: 'supporter' });
      expect(seen.find((m) => m.userId === muted.id)).toEqual({
        userId: muted.id,
        displayName: muted.displayName,
        role: 'member',
        status: 'active',
        joinedAt: expect.any(String),
        acceptedAgreementVersion: 2,
        mutedUntil: until.toISOString(),
      });
      expect(JSON.stringify(seen)).not.toContain('@example.org');
      expect((await request(forum.url).get('/me').set(bearer(muted))).body.memberships[0].mutedUntil).toBe(until.toISOString());
      await expect(participation.assertParticipant(asAuthUser(muted), groupId)).resolves.toMatchObject({ mutedUntil: until });
    });

    it('shuts a banned member out of everything in the group', async () => {
      const code = await issueReferralCode(forum, admin, groupId);
      const banned = await registerAndLogin(forum.url);
      await apply(forum, banned, groupId, { referralCode: code }).expect(201);
      await acceptAgreement(forum, banned, groupId);
      await forum.app.get(MembershipService).ban(banned.id, groupId);

      expect((await rejection(participation.assertParticipant(asAuthUser(banned), groupId))).code).toBe('BANNED');
      expect(await participation.canSee(asAuthUser(banned), groupId)).toBe(false);
      expect((await apply(forum, banned, groupId).expect(403)).body.code).toBe('BANNED');
      const accept = await request(forum.url).post(`/groups/${groupId}/agreement/acceptances`).set(bearer(banned)).send({ version: 2 }).expect(403);
      expect(accept.body.code).toBe('BANNED');
      expect((await request(forum.url).get('/me').set(bearer(banned))).body.memberships).toEqual([]);
      expect((await request(forum.url).put(`/groups/${groupId}/supporters/${banned.id}`).set(bearer(admin)).expect(409)).body.code).toBe('CONFLICT');
    });
  });

  describe('racing for the last use of a referral code', () => {
    it('approves exactly one of two applicants sent at the same moment', async () => {
      const group = await createGroup(forum, admin);
      const code = await issueReferralCode(forum, admin, group.id, 1);
      const [a, b] = await Promise.all([registerAndLogin(forum.url), registerAndLogin(forum.url)]);
      const results = await Promise.all([apply(forum, a, group.id, { referralCode: code }), apply(forum, b, group.id, { referralCode: code })]);
      expect(results.map((r) => r.status)).toEqual([201, 201]);
      expect(results.map((r) => r.body.status).sort()).toEqual(['approved', 'pending']);
    });

    it('approves exactly maxUses of many applicants sent at once', async () => {
      const group = await createGroup(forum, admin);
      const code = await issueReferralCode(forum, admin, group.id, 3);
      const people = await Promise.all(Array.from({ length: 8 }, () => registerAndLogin(forum.url)));
      const results = await Promise.all(people.map((p) => apply(forum, p, group.id, { referralCode: code })));
      expect(results.every((r) => r.status === 201)).toBe(true);
      expect(results.filter((r) => r.body.status === 'approved')).toHaveLength(3);
    });

    it('lets one person’s two simultaneous applications through once', async () => {
      const group = await createGroup(forum, admin);
      const code = await issueReferralCode(forum, admin, group.id, 5);
      const person = await registerAndLogin(forum.url);
      const results = await Promise.all([apply(forum, person, group.id, { referralCode: code }), apply(forum, person, group.id, { referralCode: code })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });
});
