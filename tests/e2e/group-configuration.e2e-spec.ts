import request from 'supertest';
import { apply, createAdmin, createGroup, inDirectory, issueReferralCode } from '../support/groups';
import { bearer, Person, registerAndLogin } from '../support/people';
import { RunningHttpApp, startForum } from '../support/stack';

type Entry = { action: string; actor: string; subjectType: string; subjectId: string; detail: { before: unknown; after: unknown } };

/** Admins prepare a group as a draft, appoint supporters directly, list and revoke codes, and every change is in the audit log with before and after. */
describe('configuring a group', () => {
  let forum: RunningHttpApp;
  let admin: Person;

  beforeAll(async () => {
    forum = await startForum();
    admin = await createAdmin(forum);
  });
  afterAll(async () => {
    await forum?.close();
  });

  async function auditLog(groupId: string): Promise<Entry[]> {
    return (await request(forum.url).get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items as Entry[];
  }

  it('keeps a draft out of the directory and closed to applicants until an admin opens it, and logs both', async () => {
    const draft = await createGroup(forum, admin, { draft: true });
    expect(draft).toMatchObject({ draft: true, openedAt: null });
    const listed = () => inDirectory(forum, draft.id);
    expect(await listed()).toBe(false);
    await request(forum.url).get(`/groups/${draft.id}`).expect(404);
    const applicant = await registerAndLogin(forum.url);
    await request(forum.url).get(`/groups/${draft.id}`).set(bearer(applicant)).expect(404);
    await apply(forum, applicant, draft.id).expect(404);
    // The admin setting it up sees it, settings and all.
    expect((await request(forum.url).get(`/groups/${draft.id}`).set(bearer(admin)).expect(200)).body).toMatchObject({ draft: true });

    // A member cannot open it; the admin can, once; opening again changes nothing.
    await request(forum.url).post(`/groups/${draft.id}/open`).set(bearer(applicant)).expect(403);
    const opened = await request(forum.url).post(`/groups/${draft.id}/open`).set(bearer(admin)).expect(200);
    expect(opened.body).toMatchObject({ draft: false, openedAt: expect.any(String) });
    await request(forum.url).post(`/groups/${draft.id}/open`).set(bearer(admin)).expect(200);
    expect(await listed()).toBe(true);
    await apply(forum, applicant, draft.id).expect(201);

    const log = await auditLog(draft.id);
    expect(log.filter((e) => e.action === 'group.open')).toEqual([
      expect.objectContaining({
        actor: admin.id,
        subjectType: 'group',
        detail: { before: { draft: true }, after: { draft: false, openedAt: opened.body.openedAt } },
      }),
    ]);
    expect(log.find((e) => e.action === 'group.create')?.detail).toMatchObject({ before: null, after: { name: draft.name, draft: true } });
  });

  it('logs a change of settings with what changed, before and after, and nothing when nothing changed', async () => {
    const group = await createGroup(forum, admin);
    await request(forum.url).patch(`/groups/${group.id}`).set(bearer(admin)).send({ slowModeSeconds: 30, name: group.name }).expect(200);
    await request(forum.url).patch(`/groups/${group.id}`).set(bearer(admin)).send({ slowModeSeconds: 30 }).expect(200);
    const changes = (await auditLog(group.id)).filter((e) => e.action === 'group.settings');
    expect(changes).toEqual([expect.objectContaining({ actor: admin.id, detail: { before: { slowModeSeconds: 0 }, after: { slowModeSeconds: 30 } } })]);
  });

  it('logs a new agreement with the clauses before and after', async () => {
    const group = await createGroup(forum, admin);
    const current = (await request(forum.url).get(`/groups/${group.id}/agreement`).expect(200)).body;
    const clauses = [...current.clauses, { key: 'be-patient', title: 'Be patient', text: 'Give people time to answer.' }];
    await request(forum.url).put(`/groups/${group.id}/agreement`).set(bearer(admin)).send({ clauses }).expect(201);
    const entry = (await auditLog(group.id)).find((e) => e.action === 'agreement.publish')!;
    expect(entry.detail).toMatchObject({ before: { version: 1 }, after: { version: 2 } });
    expect((entry.detail.after as { clauses: unknown[] }).clauses).toContainEqual({
      key: 'be-patient',
      title: 'Be patient',
      text: 'Give people time to answer.',
    });
    expect((entry.detail.before as { clauses: unknown[] }).clauses).toHaveLength(current.clauses.length);
  });

  it('appoints a supporter who never applied, by email, and logs it; an unknown address is 404', async () => {
    const group = await createGroup(forum, admin);
    const volunteer = await registerAndLogin(forum.url);
    const appointed = await request(forum.url)
      .post(`/groups/${group.id}/supporters`)
      .set(bearer(admin))
      .send({ email: volunteer.email.toUpperCase() })
      .expect(200);
    expect(appointed.body).toEqual({ userId: volunteer.id });
    const me = await request(forum.url).get('/me').set(bearer(volunteer)).expect(200);
    expect(me.body.memberships).toEqual([expect.objectContaining({ groupId: group.id, role: 'supporter' })]);
    const unknown = await request(forum.url).post(`/groups/${group.id}/supporters`).set(bearer(admin)).send({ email: 'nobody-here@example.org' }).expect(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    await request(forum.url).post(`/groups/${group.id}/supporters`).set(bearer(volunteer)).send({ email: volunteer.email }).expect(403);
    await request(forum.url).post(`/groups/${group.id}/supporters`).set(bearer(admin)).send({ email: 'not an address' }).expect(422);

    await request(forum.url).delete(`/groups/${group.id}/supporters/${volunteer.id}`).set(bearer(admin)).expect(204);
    const log = await auditLog(group.id);
    expect(log.filter((e) => e.subjectId === volunteer.id).map((e) => [e.action, e.detail])).toEqual([
      ['supporter.remove', { before: { role: 'supporter' }, after: { role: 'member' } }],
      ['supporter.appoint', { before: { role: null }, after: { role: 'supporter' } }],
    ]);
  });

  it('lists referral codes with their uses, revokes one so it admits nobody, and logs both without the code itself', async () => {
    const group = await createGroup(forum, admin);
    const code = await issueReferralCode(forum, admin, group.id, 5);
    const first = await registerAndLogin(forum.url);
    expect((await apply(forum, first, group.id, { referralCode: code }).expect(201)).body.status).toBe('approved');

    const listed = (await request(forum.url).get(`/groups/${group.id}/referral-codes`).set(bearer(admin)).expect(200)).body;
    expect(listed).toEqual([expect.objectContaining({ code, uses: 1, maxUses: 5, revokedAt: null })]);
    await request(forum.url).get(`/groups/${group.id}/referral-codes`).set(bearer(first)).expect(403);

    await request(forum.url).delete(`/groups/${group.id}/referral-codes/${listed[0].id}`).set(bearer(first)).expect(403);
    await request(forum.url).delete(`/groups/${group.id}/referral-codes/${listed[0].id}`).set(bearer(admin)).expect(204);
    await request(forum.url).delete(`/groups/${group.id}/referral-codes/${listed[0].id}`).set(bearer(admin)).expect(204);
    await request(forum.url).delete(`/groups/${group.id}/referral-codes/00000000-0000-4000-8000-000000000000`).set(bearer(admin)).expect(404);
    const after = (await request(forum.url).get(`/groups/${group.id}/referral-codes`).set(bearer(admin)).expect(200)).body;
    expect(after[0].revokedAt).toEqual(expect.any(String));

    const second = await registerAndLogin(forum.url);
    expect((await apply(forum, second, group.id, { referralCode: code }).expect(201)).body.status).toBe('pending');

    const log = await auditLog(group.id);
    const revokes = log.filter((e) => e.action === 'referral-code.revoke');
    expect(revokes).toEqual([
      expect.objectContaining({
        subjectId: listed[0].id,
        detail: { before: expect.objectContaining({ revoked: false, uses: 1 }), after: expect.objectContaining({ revoked: true }) },
      }),
    ]);
    expect(log.find((e) => e.action === 'referral-code.create')?.detail).toMatchObject({ before: null, after: { label: 'Leeds renal unit', maxUses: 5 } });
    expect(JSON.stringify(log)).not.toContain(code);
  });
});
