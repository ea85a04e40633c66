import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { testMailbox } from '../support/mailbox';
import { bearer, Person, registerAndLogin } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/**
 * Applying and reporting without loops: the reporter hears what became of a report (never the
 * sanction, nor who decided), an applicant sees where their application stands, a promise made
 * out of cover says when supporters are next on, and a supporter can be invited by email.
 */
describe('reports, applications, cover and invitations', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let db: Client;
  let admin: Person;
  let groupId: string;
  let code: string;
  let supporter: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker()]);
    db = new Client({ connectionString: forum.config.database.url });
    await db.connect();
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post', reportsToHide: 2 });
    code = await referralCode(forum, admin, groupId);
    supporter = await appointedSupporter(forum, admin, groupId, code);
  });
  afterAll(async () => {
    await db?.end();
    await Promise.all([forum?.close(), worker?.close()]);
  });

  const api = () => request(forum.url);

  async function publishedTopic(author: Person, title: string, body: string): Promise<{ id: string; topicId: string }> {
    const accepted = (await api().post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202)).body;
    expect((await screened(forum, author, accepted.id)).status).toBe('published');
    return accepted;
  }

  async function openItemAbout(subjectId: string): Promise<Json> {
    const queue = (await api().get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200)).body.items as Json[];
    const item = queue.find((i) => i.subject?.id === subjectId);
    expect(item).toBeDefined();
    return item!;
  }

  /** Polls until `read` gives something `test` accepts (a positive signal, never a fixed sleep). */
  async function eventually<T>(read: () => Promise<T>, test: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (test(value)) return value;
      if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const notices = async (person: Person): Promise<Json[]> => (await api().get('/me/notices').set(bearer(person)).expect(200)).body.items;
  const notifications = async (person: Person): Promise<Json[]> => (await api().get('/me/notifications').set(bearer(person)).expect(200)).body.items;
  const outcomes = (items: Json[]) => items.filter((n) => n.kind === 'report-outcome');

  describe('the reporter hears the outcome of their report', () => {
    it('tells each of two reporters once that the post was taken down, without the sanction or the decider; the author learns nothing of them', async () => {
      const [author, first, second] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const post = await publishedTopic(author, 'Clinic gossip', 'The nurse on ward 5 is useless and everyone knows it.');
      await api().post(`/posts/${post.id}/reports`).set(bearer(first)).send({ clauseKey: 'respect', note: 'Unkind about a nurse' }).expect(201);
      await api().post(`/posts/${post.id}/reports`).set(bearer(second)).send({ clauseKey: 'respect' }).expect(201);
      const item = await openItemAbout(post.id);

      await api()
        .post(`/review-items/${item.id}/decision`)
        .set(bearer(supporter))
        .send({ action: 'remove', clauseKey: 'respect', sanction: { kind: 'mute', hours: 2 } })
        .expect(200);

      for (const reporter of [first, second]) {
        const told = outcomes(
          await eventually(
            () => notices(reporter),
            (items) => outcomes(items).length > 0,
          ),
        );
        expect(told).toEqual([
          expect.objectContaining({ kind: 'report-outcome', groupId, subjectId: post.id, clauseKey: null, appealable: false, quote: null }),
        ]);
        expect(told[0]!.message).toContain('taken down');
        // Never the sanction given to the author, nor who decided.
        expect(told[0]!.message).not.toMatch(/\b(mute|muted|ban|banned|warn|warning|sanction)\b/i);
        expect(told[0]!.message).not.toContain(supporter.displayName);
        expect(told[0]!.message).not.toContain(author.displayName);
        const notified = outcomes(
          await eventually(
            () => notifications(reporter),
            (items) => outcomes(items).length > 0,
          ),
        );
        expect(notified).toEqual([
          expect.objectContaining({ kind: 'report-outcome', groupId, subjectId: post.id, title: 'A supporter looked at something you reported' }),
        ]);
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'report-outcome'`, [reporter.id]);
        expect(rows[0].n).toBe(1);
      }

      // The author hears of the removal and the mute, and of nobody who reported it.
      const authorNotices = await eventually(
        () => notices(author),
        (items) => items.some((n) => n.kind === 'mute'),
      );
      expect(outcomes(authorNotices)).toEqual([]);
      const authorWords = JSON.stringify([authorNotices, await notifications(author)]);
      for (const reporter of [first, second]) {
        expect(authorWords).not.toContain(reporter.id);
        expect(authorWords).not.toContain(reporter.displayName);
      }
      expect(authorWords).not.toContain('Unkind about a nurse');

      // A second decision (an appeal, or anything else about the post) tells nobody again.
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM content_reports WHERE subject_id = $1 AND outcome_told_at IS NULL`, [post.id]);
      expect(rows[0].n).toBe(0);
    });

    it('tells the reporter when what they reported stays, and tells nobody who did not report it', async () => {
      const [author, reporter, bystander] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const post = await publishedTopic(author, 'Fluid limits', 'I keep to a litre a day and it works for me.');
      await api().post(`/posts/${post.id}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(201);
      const item = await openItemAbout(post.id);
      await api().post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'approve' }).expect(200);

      const told = outcomes(
        await eventually(
          () => notices(reporter),
          (items) => outcomes(items).length > 0,
        ),
      );
      expect(told).toHaveLength(1);
      expect(told[0]!.message).toContain('stays in the group');
      expect(told[0]!.message).not.toContain(supporter.displayName);
      await eventually(
        () => notifications(reporter),
        (items) => outcomes(items).length === 1,
      );
      // Written in the decision's transaction: had the bystander or the author been told, it would be there now.
      expect(outcomes(await notices(bystander))).toEqual([]);
      expect(outcomes(await notices(author))).toEqual([]);
      await api().get(`/posts/${post.id}`).set(bearer(bystander)).expect(200);
    });
  });

  describe('the application’s status on the group page', () => {
    let applyGroup: string;
    let otherGroup: string;

    beforeAll(async () => {
      applyGroup = await createGroup(forum, admin, { mode: 'post' });
      otherGroup = await createGroup(forum, admin, { mode: 'post' });
      const supporterCode = await referralCode(forum, admin, applyGroup);
      const appointed = await joinedMember(forum, applyGroup, supporterCode);
      await api().put(`/groups/${applyGroup}/supporters/${appointed.id}`).set(bearer(admin)).expect(204);
    });

    const mine = async (person: Person, group: string) => (await api().get(`/groups/${group}/my-application`).set(bearer(person)).expect(200)).body.application;
    const applyTo = (person: Person, group: string) =>
      api()
        .post(`/groups/${group}/applications`)
        .set(bearer(person))
        .send({ answers: { diagnosis: 'yes' }, declaration: true })
        .expect(201);

    it('shows a pending application with when it was sent and when a supporter will look, to its applicant only', async () => {
      const [applicant, stranger] = await Promise.all([registerAndLogin(forum.url), registerAndLogin(forum.url)]);
      expect(await mine(applicant, applyGroup)).toBeNull();
      const sent = (await applyTo(applicant, applyGroup)).body;
      expect(sent).toMatchObject({ status: 'pending', dueAt: expect.any(String) });
      expect(sent.reviewPromise).toBeUndefined();

      const application = await mine(applicant, applyGroup);
      expect(application).toEqual({
        id: sent.id,
        groupId: applyGroup,
        status: 'pending',
        createdAt: expect.any(String),
        dueAt: sent.dueAt,
        decidedAt: null,
        reason: null,
        reviewPromise: null,
      });
      // Nobody else's, and not in another group.
      expect(await mine(stranger, applyGroup)).toBeNull();
      expect(await mine(applicant, otherGroup)).toBeNull();
      await api().get(`/groups/${applyGroup}/my-application`).expect(401);
    });

    it('shows a declined application with the reason, and the group’s support contacts stay open to the applicant', async () => {
      const applicant = await registerAndLogin(forum.url);
      const sent = (await applyTo(applicant, applyGroup)).body;
      await api()
        .post(`/applications/${sent.id}/decision`)
        .set(bearer(admin))
        .send({ decision: 'reject', reason: 'This group is for people on dialysis.' })
        .expect(200);

      const application = await mine(applicant, applyGroup);
      expect(application).toMatchObject({ status: 'rejected', reason: 'This group is for people on dialysis.', dueAt: null, decidedAt: expect.any(String) });
      const notice = (await notices(applicant)).find((n) => n.kind === 'application');
      expect(notice?.message).toContain('support contacts');
      const resources = (await api().get(`/groups/${applyGroup}/resources`).set(bearer(applicant)).expect(200)).body.items;
      expect(resources.length).toBeGreaterThan(0);
    });
  });

  describe('an honest promise out of cover', () => {
    /** The local hour now in `timeZone`, and a one-hour cover window starting three whole hours later. */
    function windowAhead(timeZone: string): { coverage: Json[]; starts: string } {
      const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
      const start = (hour + 3) % 24;
      const pad = (n: number) => String(n).padStart(2, '0');
      const clock = `${start % 12 || 12}:00 ${start < 12 ? 'am' : 'pm'}`;
      return {
        coverage: [{ days: [1, 2, 3, 4, 5, 6, 7], from: `${pad(start)}:00`, to: start === 23 ? '24:00' : `${pad(start + 1)}:00` }],
        starts: `${clock} ${hour + 3 >= 24 ? 'tomorrow' : 'today'}`,
      };
    }

    it('says when supporters are next on, in the group’s time zone, for a held post and an application', async () => {
      // Kolkata is UTC+5:30 all year: whatever the server's zone, its hours are not the server's.
      const timezone = 'Asia/Kolkata';
      const { coverage, starts } = windowAhead(timezone);
      const group = await createGroup(forum, admin, { mode: 'post', coverage, timezone, outOfCoverage: 'pre' });
      const groupCode = await referralCode(forum, admin, group);
      const author = await joinedMember(forum, group, groupCode);

      const accepted = (await api().post(`/groups/${group}/topics`).set(bearer(author)).send({ title: 'Late night', body: 'Cannot sleep again.' }).expect(202))
        .body;
      const held = await screened(forum, author, accepted.id);
      expect(held.status).toBe('held');
      expect(held.reviewPromise).toBe(`Supporters are not on right now; your post will be checked from ${starts}.`);
      expect(new Date(held.reviewCoverStartsAt).getTime()).toBeGreaterThan(Date.now() + 2 * 3600_000);
      expect(held.reviewDueAt).toEqual(expect.any(String));

      // Others never learn anything about it.
      const reader = await joinedMember(forum, group, groupCode);
      await api().get(`/posts/${accepted.id}`).set(bearer(reader)).expect(404);

      const applicant = await registerAndLogin(forum.url);
      const sent = (
        await api()
          .post(`/groups/${group}/applications`)
          .set(bearer(applicant))
          .send({ answers: { diagnosis: 'yes' }, declaration: true })
          .expect(201)
      ).body;
      expect(sent.reviewPromise).toBe(`Supporters are not on right now; your application will be read from ${starts}.`);
      expect((await api().get(`/groups/${group}/my-application`).set(bearer(applicant)).expect(200)).body.application.reviewPromise).toBe(sent.reviewPromise);
    });

    it('keeps the review deadline on cover', async () => {
      const group = await createGroup(forum, admin, { mode: 'pre' });
      const groupCode = await referralCode(forum, admin, group);
      const author = await joinedMember(forum, group, groupCode);
      const accepted = (await api().post(`/groups/${group}/topics`).set(bearer(author)).send({ title: 'Hello', body: 'First time here.' }).expect(202)).body;
      const held = await screened(forum, author, accepted.id);
      expect(held).toMatchObject({ status: 'held', reviewDueAt: expect.any(String), reviewPromise: null, reviewCoverStartsAt: null });
    });
  });

  describe('supporters invited by email', () => {
    let otherGroup: string;

    beforeAll(async () => {
      otherGroup = await createGroup(forum, admin, { mode: 'post' });
    });

    const invite = async (email: string): Promise<Json> =>
      (await api().post(`/groups/${groupId}/supporter-invitations`).set(bearer(admin)).send({ email }).expect(201)).body;

    async function mailedToken(email: string): Promise<{ token: string; mail: Json }> {
      const mail = await (await testMailbox()).waitFor(email, { subject: /invited to volunteer/ });
      const match = /https?:\/\/\S+\/supporter-invitation\?token=([A-Za-z0-9_%-]+)/.exec(mail.text);
      expect(match).not.toBeNull();
      return { token: decodeURIComponent(match![1]!), mail: mail as unknown as Json };
    }

    const accept = (person: Person, token: string) => api().post('/supporter-invitations/accept').set(bearer(person)).send({ token });

    it('mails a discreet single-use link; signing up with it makes a supporter of that group only, audited', async () => {
      const email = `invitee-${randomUUID().slice(0, 8)}@example.org`;
      const invitation = await invite(email);
      expect(invitation).toMatchObject({ email, status: 'pending', acceptedAt: null, acceptedBy: null });
      const { token, mail } = await mailedToken(email);
      const group = (await api().get(`/groups/${groupId}`).set(bearer(admin)).expect(200)).body;
      for (const part of [mail.subject, mail.text, mail.html]) {
        expect(part).not.toContain(group.name);
        expect(part).not.toContain(group.condition);
        expect(part).not.toMatch(/group/i);
      }

      // Someone else, signed in with another address, cannot use it.
      const someoneElse = await registerAndLogin(forum.url);
      const refused = await accept(someoneElse, token).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');

      const invitee = await registerAndLogin(forum.url, { email });
      expect((await accept(invitee, token).expect(200)).body).toEqual({ groupId });
      const me = (await api().get('/me').set(bearer(invitee)).expect(200)).body;
      expect(me.memberships).toEqual([expect.objectContaining({ groupId, role: 'supporter' })]);
      expect(me.memberships.some((m: Json) => m.groupId === otherGroup)).toBe(false);

      // Single use: a second try, by anyone, is refused.
      expect((await accept(invitee, token).expect(409)).body.detail).toContain('already been used');
      const listed = (await api().get(`/groups/${groupId}/supporter-invitations`).set(bearer(admin)).expect(200)).body.items as Json[];
      expect(listed.find((i) => i.id === invitation.id)).toMatchObject({
        status: 'accepted',
        email: null,
        acceptedBy: { id: invitee.id, displayName: invitee.displayName },
      });
      // Another group's admin view never lists it.
      const elsewhere = (await api().get(`/groups/${otherGroup}/supporter-invitations`).set(bearer(admin)).expect(200)).body.items as Json[];
      expect(elsewhere.some((i) => i.id === invitation.id)).toBe(false);

      const log = (await api().get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items as Json[];
      const actions = log.filter((e) => e.subjectId === invitation.id).map((e) => e.action);
      expect(actions.sort()).toEqual(['supporter.invitation-accept', 'supporter.invite']);
      expect(JSON.stringify(log)).not.toContain(email);
    });

    it('refuses a revoked invitation and an expired one', async () => {
      const revokedEmail = `revoked-${randomUUID().slice(0, 8)}@example.org`;
      const expiredEmail = `expired-${randomUUID().slice(0, 8)}@example.org`;
      const [revoked, expired] = [await invite(revokedEmail), await invite(expiredEmail)];
      const [{ token: revokedToken }, { token: expiredToken }] = [await mailedToken(revokedEmail), await mailedToken(expiredEmail)];

      await api().delete(`/groups/${groupId}/supporter-invitations/${revoked.id}`).set(bearer(admin)).expect(204);
      await api().delete(`/groups/${groupId}/supporter-invitations/${revoked.id}`).set(bearer(admin)).expect(409);
      // Only that group's admin route knows it.
      await api().delete(`/groups/${otherGroup}/supporter-invitations/${revoked.id}`).set(bearer(admin)).expect(404);
      const revokedInvitee = await registerAndLogin(forum.url, { email: revokedEmail });
      expect((await accept(revokedInvitee, revokedToken).expect(409)).body.detail).toContain('withdrawn');

      await db.query(`UPDATE supporter_invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.id]);
      const expiredInvitee = await registerAndLogin(forum.url, { email: expiredEmail });
      expect((await accept(expiredInvitee, expiredToken).expect(409)).body.detail).toContain('run out');

      for (const person of [revokedInvitee, expiredInvitee]) {
        expect((await api().get('/me').set(bearer(person)).expect(200)).body.memberships).toEqual([]);
      }
      const listed = (await api().get(`/groups/${groupId}/supporter-invitations`).set(bearer(admin)).expect(200)).body.items as Json[];
      expect(listed.find((i) => i.id === revoked.id)?.status).toBe('revoked');
      expect(listed.find((i) => i.id === expired.id)?.status).toBe('expired');
      // A made-up token is simply not found.
      await accept(expiredInvitee, randomUUID().replace(/-/g, '')).expect(404);
    });
  });
});
