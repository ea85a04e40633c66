import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startForum } from '../support/stack';

type Json = Record<string, any>;

/** Feedback anonymous to supporters and visible to admins; agreement changes proposed, commented on, then published through groups. */
describe("members' voice", () => {
  let forum: RunningHttpApp;
  let admin: Person;
  let groupId: string;
  let otherGroupId: string;
  let member: Person;
  let another: Person;
  let supporter: Person;
  let outsider: Person;

  beforeAll(async () => {
    forum = await startForum();
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin);
    otherGroupId = await createGroup(forum, admin);
    const code = await referralCode(forum, admin, groupId);
    member = await joinedMember(forum, groupId, code);
    another = await joinedMember(forum, groupId, code);
    supporter = await appointedSupporter(forum, admin, groupId, code);
    outsider = await joinedMember(forum, otherGroupId, await referralCode(forum, admin, otherGroupId));
  });

  afterAll(async () => {
    await forum?.close();
  });

  describe('feedback', () => {
    const words = 'The Tuesday chat helps, but I would like more evening cover.';

    beforeAll(async () => {
      await request(forum.url).post(`/groups/${groupId}/feedback`).set(bearer(member)).send({ body: words }).expect(201);
    });

    it('reaches the supporters without the author’s name, id or anything that points to them', async () => {
      const seen = (await request(forum.url).get(`/groups/${groupId}/feedback`).set(bearer(supporter)).expect(200)).body as Json[];
      const mine = seen.find((f) => f.body === words)!;
      expect(mine).toBeDefined();
      expect(Object.keys(mine).sort()).toEqual(['body', 'createdAt', 'groupId', 'id']);
      const raw = JSON.stringify(seen);
      expect(raw).not.toContain(member.id);
      expect(raw).not.toContain(member.displayName);
    });

    it('shows admins who wrote it', async () => {
      const seen = (await request(forum.url).get(`/groups/${groupId}/feedback`).set(bearer(admin)).expect(200)).body as Json[];
      expect(seen.find((f) => f.body === words)).toMatchObject({ author: { id: member.id, displayName: member.displayName } });
    });

    it('is read by no member and no other group, and taken only from the group’s members', async () => {
      await request(forum.url).get(`/groups/${groupId}/feedback`).set(bearer(another)).expect(403);
      await request(forum.url).get(`/groups/${groupId}/feedback`).set(bearer(outsider)).expect(403);
      await request(forum.url).post(`/groups/${groupId}/feedback`).set(bearer(outsider)).send({ body: 'hello' }).expect(403);
      // The other group's feedback list holds none of this group's.
      const other = (await request(forum.url).get(`/groups/${otherGroupId}/feedback`).set(bearer(admin)).expect(200)).body as Json[];
      expect(other.some((f) => f.body === words)).toBe(false);
      await request(forum.url).get(`/groups/${otherGroupId}/feedback`).set(bearer(supporter)).expect(403);
      for (const body of ['', '   ', 'x'.repeat(4001)])
        await request(forum.url).post(`/groups/${groupId}/feedback`).set(bearer(member)).send({ body }).expect(422);
      await request(forum.url).post(`/groups/${groupId}/feedback`).set(bearer(member)).send({ body: 42 }).expect(422);
    });

    it('is in its author’s export and erased with their account', async () => {
      const leaver = await joinedMember(forum, groupId, await referralCode(forum, admin, groupId));
      await request(forum.url).post(`/groups/${groupId}/feedback`).set(bearer(leaver)).send({ body: 'Feedback from the leaver' }).expect(201);
      const exported = (await request(forum.url).get('/me/export').set(bearer(leaver)).expect(200)).body;
      expect(exported.outcomes.feedback).toEqual([expect.objectContaining({ groupId, body: 'Feedback from the leaver' })]);
      await request(forum.url).delete('/me').set(bearer(leaver)).send({ password: leaver.password }).expect(204);
      const seen = (await request(forum.url).get(`/groups/${groupId}/feedback`).set(bearer(admin)).expect(200)).body as Json[];
      expect(seen.some((f) => f.body === 'Feedback from the leaver')).toBe(false);
    });
  });

  describe('agreement proposals', () => {
    let proposal: Json;
    let clauses: Json[];

    beforeAll(async () => {
      const current = (await request(forum.url).get(`/groups/${groupId}/agreement`).set(bearer(member)).expect(200)).body;
      clauses = [...current.clauses, { key: 'photos', title: 'Photos', text: 'Ask before sharing a photo of anyone else.' }];
    });

    it('lets only admins propose, with clauses publishing would accept', async () => {
      await request(forum.url).post(`/groups/${groupId}/agreement-proposals`).set(bearer(member)).send({ clauses, summary: 'x' }).expect(403);
      await request(forum.url).post(`/groups/${groupId}/agreement-proposals`).set(bearer(supporter)).send({ clauses, summary: 'x' }).expect(403);
      await request(forum.url)
        .post(`/groups/${groupId}/agreement-proposals`)
        .set(bearer(admin))
        .send({ clauses: [{ key: 'Bad Key!', title: '', text: '' }], summary: 'Broken' })
        .expect(422);
      proposal = (
        await request(forum.url)
          .post(`/groups/${groupId}/agreement-proposals`)
          .set(bearer(admin))
          .send({ clauses, summary: 'A clause about sharing photos.' })
          .expect(201)
      ).body;
      expect(proposal).toMatchObject({ status: 'open', publishedVersion: null, comments: [] });
    });

    it('collects members’ comments: each member sees their own, admins see all with names, other groups nothing', async () => {
      await request(forum.url)
        .post(`/agreement-proposals/${proposal.id}/comments`)
        .set(bearer(member))
        .send({ body: 'Yes please, and for screenshots too.' })
        .expect(201);
      await request(forum.url).post(`/agreement-proposals/${proposal.id}/comments`).set(bearer(another)).send({ body: 'Agreed.' }).expect(201);
      await request(forum.url).post(`/agreement-proposals/${proposal.id}/comments`).set(bearer(outsider)).send({ body: 'Sneaking in.' }).expect(404);
      await request(forum.url).get(`/groups/${groupId}/agreement-proposals`).set(bearer(outsider)).expect(403);
      await request(forum.url).post(`/agreement-proposals/${proposal.id}/comments`).set(bearer(member)).send({ body: '' }).expect(422);

      const forMember = ((await request(forum.url).get(`/groups/${groupId}/agreement-proposals`).set(bearer(member)).expect(200)).body as Json[]).find(
        (p) => p.id === proposal.id,
      )!;
      expect(forMember.comments.map((c: Json) => c.body)).toEqual(['Yes please, and for screenshots too.']);
      const forAdmin = ((await request(forum.url).get(`/groups/${groupId}/agreement-proposals`).set(bearer(admin)).expect(200)).body as Json[]).find(
        (p) => p.id === proposal.id,
      )!;
      expect(forAdmin.comments).toEqual([
        expect.objectContaining({ body: 'Yes please, and for screenshots too.', author: { id: member.id, displayName: member.displayName } }),
        expect.objectContaining({ body: 'Agreed.', author: { id: another.id, displayName: another.displayName } }),
      ]);
    });

    it('publishes the proposal once as the group’s next agreement version, through groups, and then takes no more comments', async () => {
      const before = (await request(forum.url).get(`/groups/${groupId}/agreement`).set(bearer(member)).expect(200)).body.version as number;
      await request(forum.url).post(`/agreement-proposals/${proposal.id}/publish`).set(bearer(supporter)).expect(403);
      const [first, second] = await Promise.all([
        request(forum.url).post(`/agreement-proposals/${proposal.id}/publish`).set(bearer(admin)),
        request(forum.url).post(`/agreement-proposals/${proposal.id}/publish`).set(bearer(admin)),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const published = first.status === 200 ? first.body : second.body;
      expect(published).toMatchObject({ status: 'published', publishedVersion: before + 1 });
      const agreement = (await request(forum.url).get(`/groups/${groupId}/agreement`).set(bearer(member)).expect(200)).body;
      expect(agreement.version).toBe(before + 1);
      expect(agreement.clauses.map((c: Json) => c.key)).toContain('photos');
      // Members accept it as any new version before taking part again.
      const db = forum.app.get(DataSource);
      expect((await db.query(`SELECT max(version)::int AS v FROM agreement_versions WHERE group_id = $1`, [groupId]))[0].v).toBe(before + 1);
      await request(forum.url).post(`/agreement-proposals/${proposal.id}/comments`).set(bearer(member)).send({ body: 'Too late?' }).expect(409);
      await request(forum.url).delete(`/agreement-proposals/${proposal.id}`).set(bearer(admin)).expect(409);
    });

    it('withdraws a proposal without publishing it', async () => {
      const other = (
        await request(forum.url).post(`/groups/${groupId}/agreement-proposals`).set(bearer(admin)).send({ clauses, summary: 'Second thoughts' }).expect(201)
      ).body;
      await request(forum.url).delete(`/agreement-proposals/${other.id}`).set(bearer(member)).expect(403);
      await request(forum.url).delete(`/agreement-proposals/${other.id}`).set(bearer(admin)).expect(204);
      await request(forum.url).post(`/agreement-proposals/${other.id}/publish`).set(bearer(admin)).expect(409);
      await request(forum.url).post(`/agreement-proposals/not-an-id/publish`).set(bearer(admin)).expect(404);
    });
  });
});
