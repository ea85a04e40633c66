import request from 'supertest';
import { bearer, Person, registerAndLogin } from '../support/people';
import { acceptCurrentAgreement, appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

const ZWSP = '\u200b';
/** A syntactically valid NHS number (mod-11 check digit 9). */
const NHS_NUMBER = '943 476 5919';

describe('forum and the screening pipeline', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker({ SCREENING_SWEEP_AFTER_SECONDS: '2', SCREENING_SWEEP_INTERVAL_SECONDS: '1' })]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  async function post(author: Person, groupId: string, body: string, title = 'Something on my mind'): Promise<Record<string, any>> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    expect(response.body).toEqual({ id: expect.any(String), topicId: expect.any(String), status: 'screening' });
    return screened(forum, author, response.body.id);
  }

  async function openItems(moderator: Person, groupId: string): Promise<Array<Record<string, any>>> {
    const response = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(moderator)).expect(200);
    return response.body.items;
  }

  describe('in a post-moderated group', () => {
    let groupId: string;
    let code: string;
    let member: Person;
    let other: Person;
    let supporter: Person;

    beforeAll(async () => {
      groupId = await createGroup(forum, admin, { mode: 'post' });
      code = await referralCode(forum, admin, groupId);
      [member, other, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      await request(forum.url)
        .post(`/groups/${groupId}/rules`)
        .set(bearer(admin))
        .send({ pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' })
        .expect(201);
    });

    it('publishes an ordinary post for everyone in the group', async () => {
      const published = await post(member, groupId, 'Had my fistula checked today and it all went fine.');
      expect(published.status).toBe('published');
      const seen = await request(forum.url).get(`/posts/${published.id}`).set(bearer(other)).expect(200);
      expect(seen.body).toMatchObject({
        body: 'Had my fistula checked today and it all went fine.',
        author: { id: member.id, displayName: member.displayName },
      });
      expect(JSON.stringify(seen.body)).not.toContain(member.email);
    });

    it('holds a crisis post as urgent and signposts its author at once, including Samaritans 116 123', async () => {
      const held = await post(member, groupId, "I can't cope any more. I want to end my life tonight.");
      expect(held.status).toBe('held');
      expect(held.reviewDueAt).toEqual(expect.any(String));
      expect(JSON.stringify(held.signposting)).toContain('116 123');
      const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
      const signposting = notices.body.items.find((n: Record<string, any>) => n.kind === 'signposting' && n.subjectId === held.id);
      expect(signposting).toBeDefined();
      expect(JSON.stringify(signposting.resources)).toContain('116 123');
      await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(404);
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item).toMatchObject({ kind: 'post', priority: 'urgent', reasons: expect.arrayContaining([expect.objectContaining({ source: 'crisis' })]) });
      expect((await openItems(supporter, groupId))[0].priority).toBe('urgent');
    });

    it('does not treat an idiom as a crisis', async () => {
      const published = await post(member, groupId, 'This waiting list is killing me, honestly.');
      expect(published.status).toBe('published');
    });

    it.each([
      ['a phone number', 'Text me on 07700 900123 if you want to talk.'],
      ['an NHS number', `My NHS number is ${NHS_NUMBER} if that helps the nurse.`],
    ])('holds %s with reason personal-data', async (_what, body) => {
      const held = await post(member, groupId, body);
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'personal-data', clauseKey: 'stay-unidentifiable' })]));
      expect(JSON.stringify(item.reasons)).not.toContain('900123');
    });

    it('sends an instruction to change medication to review, and publishes a first-person experience', async () => {
      const advice = await post(member, groupId, 'You should stop taking your tacrolimus, it made me feel awful.');
      expect(advice.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === advice.id)!;
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'medical-advice' })]));
      const experience = await post(member, groupId, 'My consultant changed my dose last month and I feel much better.');
      expect(experience.status).toBe('published');
    });

    it.each([
      ['plainly', 'Great offer, buy now before it goes!'],
      ['with zero-width characters', `Great offer, b${ZWSP}uy n${ZWSP}ow before it goes!`],
      ['in full-width letters', 'Great offer, ｂｕｙ ｎｏｗ before it goes!'],
    ])('rejects a blocked phrase written %s, and tells the author which clause', async (_how, body) => {
      const rejected = await post(member, groupId, body);
      expect(rejected.status).toBe('rejected');
      const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
      const notice = notices.body.items.find((n: Record<string, any>) => n.subjectId === rejected.id);
      expect(notice).toMatchObject({ kind: 'rejection', clauseKey: 'no-selling-or-recruiting', appealable: true });
    });

    it('screens an edit again before anyone else sees it: others keep seeing the published words, marked as being edited', async () => {
      const published = await post(member, groupId, 'Anyone else get itchy skin on dialysis days?');
      expect(published.status).toBe('published');
      await request(forum.url).patch(`/posts/${published.id}`).set(bearer(member)).send({ body: 'Call me on 07700 900456 about itchy skin.' }).expect(202);
      const edited = await screened(forum, member, published.id);
      expect(edited).toMatchObject({ status: 'held', editPending: true, body: 'Call me on 07700 900456 about itchy skin.' });
      expect(edited.editedAt).toEqual(expect.any(String));
      const seen = await request(forum.url).get(`/posts/${published.id}`).set(bearer(other)).expect(200);
      expect(seen.body).toMatchObject({ status: 'published', body: 'Anyone else get itchy skin on dialysis days?', editPending: true });
    });

    it('takes a flagged post out of the review queue once an edit is screened clean', async () => {
      await request(forum.url)
        .post(`/groups/${groupId}/rules`)
        .set(bearer(admin))
        .send({ pattern: 'miracle cure', match: 'phrase', action: 'flag' })
        .expect(201);
      const flagged = await post(member, groupId, 'Has anyone tried the miracle cure my neighbour swears by?');
      expect(flagged.status).toBe('published');
      expect((await openItems(supporter, groupId)).some((i) => i.subject?.id === flagged.id)).toBe(true);
      await request(forum.url).patch(`/posts/${flagged.id}`).set(bearer(member)).send({ body: 'Has anyone tried a new diet for kidney health?' }).expect(202);
      const edited = await screened(forum, member, flagged.id);
      expect(edited).toMatchObject({ status: 'published', body: 'Has anyone tried a new diet for kidney health?' });
      expect((await openItems(supporter, groupId)).some((i) => i.subject?.id === flagged.id)).toBe(false);
    });

    it('hides a post from everyone but its author once two members report it, and the reporters cannot see it', async () => {
      const published = await post(member, groupId, 'Honestly some of the nurses on my unit are useless.');
      const reporters = [other, await joinedMember(forum, groupId, code)];
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(reporters[0]!)).send({ clauseKey: 'respect', note: 'unkind' }).expect(201);
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(reporters[0]!)).send({ clauseKey: 'respect' }).expect(409);
      // One report alone does not hide it.
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(reporters[0]!)).expect(200);
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(reporters[1]!)).send({ clauseKey: 'respect' }).expect(201);
      for (const reporter of reporters) await request(forum.url).get(`/posts/${published.id}`).set(bearer(reporter)).expect(404);
      const own = await request(forum.url).get(`/posts/${published.id}`).set(bearer(member)).expect(200);
      expect(own.body.status).toBe('hidden');
      const items = (await openItems(supporter, groupId)).filter((i) => i.subject?.id === published.id);
      expect(items).toHaveLength(1);
      expect(items[0].reasons[0]).toMatchObject({ source: 'reports', clauseKey: 'respect' });
    });

    it('refuses a report citing a clause that is not in the agreement', async () => {
      const published = await post(member, groupId, 'Just saying hello to everyone.');
      const response = await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(other)).send({ clauseKey: 'made-up' }).expect(422);
      expect(response.body.errors[0].field).toBe('clauseKey');
    });

    it('lets members react, and counts reactions per kind', async () => {
      const published = await post(member, groupId, 'Three years on the transplant list today.');
      await request(forum.url).put(`/posts/${published.id}/reactions/hug`).set(bearer(other)).expect(204);
      await request(forum.url).put(`/posts/${published.id}/reactions/hug`).set(bearer(other)).expect(204);
      await request(forum.url).put(`/posts/${published.id}/reactions/support`).set(bearer(supporter)).expect(204);
      await request(forum.url).put(`/posts/${published.id}/reactions/angry`).set(bearer(other)).expect(422);
      const seen = await request(forum.url).get(`/posts/${published.id}`).set(bearer(other)).expect(200);
      expect(seen.body.reactions).toEqual({ support: 1, 'me-too': 0, thanks: 0, hug: 1 });
      expect(seen.body.myReactions).toEqual(['hug']);
      // A page of the thread counts them the same way, and each reader sees their own.
      for (const [reader, mine] of [
        [other, ['hug']],
        [supporter, ['support']],
        [member, []],
      ] as const) {
        const page = await request(forum.url).get(`/topics/${published.topicId}/posts`).set(bearer(reader)).expect(200);
        const inPage = page.body.items.find((p: { id: string }) => p.id === published.id);
        expect(inPage).toMatchObject({ reactions: { support: 1, 'me-too': 0, thanks: 0, hug: 1 }, myReactions: mine });
        const alone = await request(forum.url).get(`/posts/${published.id}`).set(bearer(reader)).expect(200);
        expect(inPage).toEqual(alone.body);
      }
      await request(forum.url).delete(`/posts/${published.id}/reactions/hug`).set(bearer(other)).expect(204);
      const after = await request(forum.url).get(`/posts/${published.id}`).set(bearer(other)).expect(200);
      expect(after.body.reactions.hug).toBe(0);
    });

    it('keeps the reply count and last activity right under concurrent replies', async () => {
      const opening = await post(member, groupId, 'Tips for long dialysis sessions?', 'Dialysis boredom');
      const before = await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(other)).expect(200);
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          request(forum.url)
            .post(`/topics/${opening.topicId}/posts`)
            .set(bearer(i % 2 ? other : supporter))
            .send({ body: `Podcasts help me, number ${i}.` })
            .expect(202),
        ),
      );
      await Promise.all(replies.map((r, i) => screened(forum, i % 2 ? other : supporter, r.body.id)));
      const topic = await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(member)).expect(200);
      expect(topic.body.replyCount).toBe(8);
      expect(new Date(topic.body.lastActivityAt).getTime()).toBeGreaterThan(new Date(before.body.lastActivityAt).getTime());
    });

    it('paginates topics and posts with cursors, without gaps or repeats', async () => {
      const paged = await createGroup(forum, admin, { mode: 'post' });
      const pagedCode = await referralCode(forum, admin, paged);
      const author = await appointedSupporter(forum, admin, paged, pagedCode);
      const topicIds: string[] = [];
      for (let i = 0; i < 5; i += 1) topicIds.push((await post(author, paged, `Topic body ${i}`, `Topic ${i}`)).topicId);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response: request.Response = await request(forum.url)
          .get(`/groups/${paged}/topics`)
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .set(bearer(author))
          .expect(200);
        seen.push(...response.body.items.map((t: { id: string }) => t.id));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...topicIds].reverse());

      const replyIds: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const reply = await request(forum.url)
          .post(`/topics/${topicIds[0]}/posts`)
          .set(bearer(author))
          .send({ body: `Reply ${i}` })
          .expect(202);
        replyIds.push(reply.body.id);
        await screened(forum, author, reply.body.id);
      }
      const first = await request(forum.url).get(`/topics/${topicIds[0]}/posts?limit=3`).set(bearer(author)).expect(200);
      const second = await request(forum.url).get(`/topics/${topicIds[0]}/posts?limit=3&cursor=${first.body.nextCursor}`).set(bearer(author)).expect(200);
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.items, ...second.body.items].map((p: { body: string }) => p.body)).toEqual([
        'Topic body 0',
        'Reply 0',
        'Reply 1',
        'Reply 2',
        'Reply 3',
      ]);
      await request(forum.url).get(`/groups/${paged}/topics?limit=101`).set(bearer(author)).expect(422);
      await request(forum.url).get(`/groups/${paged}/topics?cursor=garbage`).set(bearer(author)).expect(422);
    });

    it('lets the author delete a post, removing its words', async () => {
      const published = await post(member, groupId, 'Posting this by mistake.');
      await request(forum.url).delete(`/posts/${published.id}`).set(bearer(other)).expect(403);
      await request(forum.url).delete(`/posts/${published.id}`).set(bearer(member)).expect(204);
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(member)).expect(404);
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(other)).expect(404);
    });

    it('tells outsiders nothing exists, and gates members who have not accepted the agreement', async () => {
      const published = await post(member, groupId, 'Something for members only.');
      const outsider = await registerAndLogin(forum.url);
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(outsider)).expect(404);
      await request(forum.url).get(`/topics/${published.topicId}`).set(bearer(outsider)).expect(404);
      await request(forum.url).get(`/topics/${published.topicId}/posts`).set(bearer(outsider)).expect(404);
      const listing = await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(outsider)).expect(403);
      expect(listing.body.code).toBe('NOT_A_MEMBER');
      await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(outsider)).send({ title: 'Hello there', body: 'hi' }).expect(403);
      await request(forum.url).get(`/posts/${published.id}`).expect(401);
      await request(forum.url).get('/posts/not-a-uuid').set(bearer(member)).expect(404);
    });
  });

  describe('under a burst', () => {
    it('screens 80 posts written at once, at the default concurrency, without starving the database pool', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'post' });
      const code = await referralCode(forum, admin, groupId);
      const members = await Promise.all(Array.from({ length: 4 }, () => joinedMember(forum, groupId, code)));
      const accepted = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          request(forum.url)
            .post(`/groups/${groupId}/topics`)
            .set(bearer(members[i % 4]!))
            .send({ title: `Burst ${i}`, body: i % 10 === 0 ? 'I want to end my life tonight.' : `Clinic day ${i} went fine.` })
            .expect(202),
        ),
      );
      const results = await Promise.all(accepted.map((r, i) => screened(forum, members[i % 4]!, r.body.id, 30_000)));
      expect(results.filter((p) => p.status === 'held')).toHaveLength(8);
      expect(results.filter((p) => p.status === 'published')).toHaveLength(72);
      // Published together, each opening post still published its own topic, and no held one did.
      const listed = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(members[1]!)).expect(200);
      const titles = listed.body.items.map((t: { title: string }) => t.title).sort();
      const expected = Array.from({ length: 80 }, (_, i) => i)
        .filter((i) => i % 10 !== 0)
        .map((i) => `Burst ${i}`)
        .sort();
      expect(titles).toEqual(expected);
    });

    it('counts every reply of a burst into one topic exactly once, and none that was held', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'post' });
      const code = await referralCode(forum, admin, groupId);
      const members = await Promise.all(Array.from({ length: 4 }, () => joinedMember(forum, groupId, code)));
      const opening = await post(members[0]!, groupId, 'Share what got you through this week.', 'Small wins');
      const accepted = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          request(forum.url)
            .post(`/topics/${opening.topicId}/posts`)
            .set(bearer(members[i % 4]!))
            .send({ body: i % 15 === 0 ? 'I cannot go on, I want to die.' : `A good clinic day, number ${i}.` })
            .expect(202),
        ),
      );
      const results = await Promise.all(accepted.map((r, i) => screened(forum, members[i % 4]!, r.body.id, 30_000)));
      expect(results.filter((p) => p.status === 'held')).toHaveLength(4);
      const topic = await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(members[1]!)).expect(200);
      expect(topic.body.replyCount).toBe(56);
      const page = await request(forum.url).get(`/topics/${opening.topicId}/posts?limit=100`).set(bearer(members[1]!)).expect(200);
      // Everyone sees the opening post and the 56 published replies; an author also sees their own held reply.
      expect(page.body.items.filter((p: { status: string }) => p.status === 'published')).toHaveLength(57);
    });
  });

  describe('in a first-posts group', () => {
    it('holds a new member’s first post, then publishes their later posts once it is approved', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'first-posts', firstPostsHeld: 1 });
      const code = await referralCode(forum, admin, groupId);
      const [member, supporter] = await Promise.all([joinedMember(forum, groupId, code), appointedSupporter(forum, admin, groupId, code)]);

      const first = await post(member, groupId, 'Hi all, newly diagnosed with IgA nephropathy.');
      expect(first.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === first.id)!;
      expect(item.reasons).toEqual([expect.objectContaining({ source: 'first-posts' })]);
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'approve' }).expect(200);
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'approve' }).expect(409);
      const approved = await request(forum.url).get(`/posts/${first.id}`).set(bearer(member)).expect(200);
      expect(approved.body.status).toBe('published');

      const second = await post(member, groupId, 'Thanks for the welcome, everyone.');
      expect(second.status).toBe('published');
    });

    it('holds everything in a pre-moderated group, and re-consent is required after a new agreement', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'pre' });
      const code = await referralCode(forum, admin, groupId);
      const member = await joinedMember(forum, groupId, code);
      const held = await post(member, groupId, 'Is anyone else on a low potassium diet?');
      expect(held.status).toBe('held');

      await request(forum.url)
        .put(`/groups/${groupId}/agreement`)
        .set(bearer(admin))
        .send({ clauses: [{ key: 'respect', title: 'Respect', text: 'Be kind.' }] })
        .expect(201);
      const gated = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: 'Another one', body: 'hello' }).expect(403);
      expect(gated.body).toMatchObject({ code: 'AGREEMENT_REQUIRED', version: expect.any(Number) });
      await acceptCurrentAgreement(forum, member, groupId);
      await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: 'Another one', body: 'hello' }).expect(202);
    });

    it('holds a reply to the group’s slow mode and read-only cover, as it does a new topic', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'post' }, { slowModeSeconds: 600 });
      const code = await referralCode(forum, admin, groupId);
      const [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const opening = await post(member, groupId, 'Swapping tips on fluid limits.', 'Fluid limits');
      const reply = (who: Person, body: string) => request(forum.url).post(`/topics/${opening.topicId}/posts`).set(bearer(who)).send({ body });

      const slowed = await reply(member, 'And one more thing.').expect(429);
      expect(slowed.body.code).toBe('RATE_LIMITED');
      await reply(other, 'Ice lollies help me.').expect(202);

      await request(forum.url)
        .patch(`/groups/${groupId}`)
        .set(bearer(admin))
        .send({ slowModeSeconds: 0, moderation: { coverage: [], outOfCoverage: 'readonly' } })
        .expect(200);
      const readOnly = await reply(other, 'Another tip.').expect(403);
      expect(readOnly.body.code).toBe('FORBIDDEN');
      expect(readOnly.body.detail).toContain('read-only');
      await request(forum.url).get(`/topics/${opening.topicId}/posts`).set(bearer(other)).expect(200);
    });
  });
});
