import request from 'supertest';
import { bearer, Person, registerAndLogin } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/** Held for review: personal data in the body. */
const PHONE = '07700 900123';

describe('search within a group', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let code: string;
  let member: Person;
  let reader: Person;
  let supporter: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
    [member, reader] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    supporter = await appointedSupporter(forum, admin, groupId, code);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  /** A new topic, once the worker has decided it. */
  async function topic(author: Person, title: string, body: string, inGroup = groupId): Promise<Json> {
    const response = await request(forum.url).post(`/groups/${inGroup}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  /** A reply, once the worker has decided it. */
  async function reply(author: Person, topicId: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  function search(who: Person, q: string | undefined, extra: Record<string, string | number> = {}, inGroup = groupId) {
    return request(forum.url)
      .get(`/groups/${inGroup}/search`)
      .query(q === undefined ? extra : { q, ...extra })
      .set(bearer(who));
  }

  async function found(q: string, who: Person = reader): Promise<Json[]> {
    return (await search(who, q).expect(200)).body.items;
  }

  const ids = (items: Json[]) => items.map((i) => i.postId);
  const marked = (text: string, ranges: Array<{ start: number; length: number }>) => ranges.map((r) => text.slice(r.start, r.start + r.length));

  it('finds a published post by a stemmed word, with a plain-text snippet and highlight ranges', async () => {
    const opening = await topic(member, 'A good week', 'I walked to the allotment twice this week without getting breathless.');
    expect(opening.status).toBe('published');
    const items = await found('walking');
    expect(ids(items)).toEqual([opening.id]);
    const [item] = items;
    expect(item).toEqual({
      postId: opening.id,
      topicId: opening.topicId,
      topicTitle: 'A good week',
      titleHighlights: [],
      snippet: expect.stringContaining('walked to the allotment'),
      highlights: [expect.objectContaining({ start: expect.any(Number), length: 6 })],
      author: { id: member.id, displayName: member.displayName },
      createdAt: expect.any(String),
    });
    expect(marked(item.snippet, item.highlights)).toEqual(['walked']);
    expect(item.snippet).not.toMatch(/[<>\uE000\uE001]/);
  });

  it('finds a topic by its title, and ranks a title match above the same word in a post', async () => {
    const titled = await topic(member, 'Potassium swaps for summer', 'What do you all eat instead of bananas?');
    const mention = await reply(reader, titled.topicId, 'My dietitian gave me a potassium list, happy to share it.');
    const elsewhere = await topic(reader, 'Clinic letters', 'My letter said my potassium was fine this time.');
    expect([titled.status, mention.status, elsewhere.status]).toEqual(['published', 'published', 'published']);
    const items = await found('potassium');
    expect(ids(items)).toHaveLength(3);
    expect(items[0]).toMatchObject({ postId: titled.id, topicId: titled.topicId, topicTitle: 'Potassium swaps for summer' });
    expect(marked(items[0].topicTitle, items[0].titleHighlights)).toEqual(['Potassium']);
    expect(ids(items).slice(1).sort()).toEqual([mention.id, elsewhere.id].sort());
  });

  it('pages through every match once, best first, with a cursor', async () => {
    const opening = await topic(member, 'Hydration tips', 'Hydration is hard on fluid limits. Hydration, hydration, hydration.');
    const replies: Json[] = [];
    for (const body of ['Ice chips help my hydration.', 'Small cups for hydration.', 'I track hydration in an app.', 'Hydration and hydration again.']) {
      replies.push(await reply(reader, opening.topicId, body));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(reader, 'hydration', { limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.body.items));
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen[0]).toBe(opening.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([opening.id, ...replies.map((r) => r.id)].sort());
    expect(pages).toBe(3);
  });

  it('does not find a post held for a phone number, nor a topic whose opening post is held, while their published neighbours are found', async () => {
    const published = await topic(member, 'Lemonade', 'Sugar-free lemonade is my summer treat.');
    const held = await topic(member, 'Quince jam', `Text me on ${PHONE} for my lemonade recipe.`);
    expect([published.status, held.status]).toEqual(['published', 'held']);
    expect(ids(await found('lemonade'))).toEqual([published.id]);
    expect(await found('quince')).toEqual([]);
    // Not even its author finds it: search is for published words only.
    expect(ids(await found('lemonade', member))).toEqual([published.id]);
  });

  it('does not find a published post once an edit of it is held', async () => {
    const post = await topic(member, 'Garden', 'The rhubarb is coming up nicely.');
    expect(ids(await found('rhubarb'))).toEqual([post.id]);
    await request(forum.url)
      .patch(`/posts/${post.id}`)
      .set(bearer(member))
      .send({ body: `Rhubarb for anyone, call ${PHONE}.` })
      .expect(202);
    expect((await screened(forum, member, post.id)).status).toBe('held');
    expect(await found('rhubarb')).toEqual([]);
  });

  it('finds an edited post by its new words once they are published, and no longer by the old ones', async () => {
    const post = await topic(member, 'Allotment', 'The parsnips are ready for lifting.');
    expect(ids(await found('parsnips'))).toEqual([post.id]);
    await request(forum.url).patch(`/posts/${post.id}`).set(bearer(member)).send({ body: 'The beetroot are ready for lifting.' }).expect(202);
    expect((await screened(forum, member, post.id)).status).toBe('published');
    expect(ids(await found('beetroot'))).toEqual([post.id]);
    expect(await found('parsnips')).toEqual([]);
  });

  it('still finds a topic by its title after replies have moved its counts and activity on', async () => {
    const opening = await topic(member, 'Courgette glut', 'What to do with them all?');
    for (const body of ['Soup freezes well.', 'Chutney keeps for months.']) expect((await reply(reader, opening.topicId, body)).status).toBe('published');
    expect(ids(await found('courgettes'))).toEqual([opening.id]);
  });

  it('does not find a deleted post, a removed one or a hidden one', async () => {
    const deleted = await topic(member, 'Breakfast', 'Marmalade on toast before dialysis.');
    const removed = await topic(member, 'Teatime', 'Crumpets are the best thing about winter.');
    const hidden = await topic(member, 'Supper', 'Crumpets again, with a little butter.');
    const replyInRemoved = await reply(reader, removed.topicId, 'Scones are even better than crumpets, honestly.');
    expect(ids(await found('scones'))).toEqual([replyInRemoved.id]);
    expect(ids(await found('marmalade'))).toEqual([deleted.id]);
    expect(ids(await found('crumpets')).sort()).toEqual([removed.id, hidden.id, replyInRemoved.id].sort());

    await request(forum.url).delete(`/posts/${deleted.id}`).set(bearer(member)).expect(204);
    expect(await found('marmalade')).toEqual([]);

    await request(forum.url).post(`/posts/${removed.id}/reports`).set(bearer(reader)).send({ clauseKey: 'respect' }).expect(201);
    const items = (await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200)).body.items as Json[];
    const item = items.find((i) => i.subject?.id === removed.id)!;
    await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'remove', clauseKey: 'respect' }).expect(200);
    expect(ids(await found('crumpets'))).toEqual([hidden.id]);
    // A reply is not found once its topic's opening post is removed either.
    expect(await found('scones')).toEqual([]);

    // Two reports hide a post until a supporter looks at it.
    const third = await joinedMember(forum, groupId, code);
    for (const who of [reader, third]) await request(forum.url).post(`/posts/${hidden.id}/reports`).set(bearer(who)).send({ clauseKey: 'respect' }).expect(201);
    expect((await request(forum.url).get(`/posts/${hidden.id}`).set(bearer(member)).expect(200)).body.status).toBe('hidden');
    expect(await found('crumpets')).toEqual([]);
  });

  it('finds only what a pre-moderated group has approved', async () => {
    const preGroup = await createGroup(forum, admin, { mode: 'pre' });
    const preMember = await joinedMember(forum, preGroup, await referralCode(forum, admin, preGroup));
    const approved = await topic(preMember, 'Pretzels', 'Are salted pretzels a bad idea on a renal diet?', preGroup);
    const waiting = await topic(preMember, 'More pretzels', 'Pretzels with mustard, anyone?', preGroup);
    expect([approved.status, waiting.status]).toEqual(['held', 'held']);
    const queue = (await request(forum.url).get(`/groups/${preGroup}/review-items?status=open`).set(bearer(admin)).expect(200)).body.items as Json[];
    const item = queue.find((i) => i.subject?.id === approved.id)!;
    await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(admin)).send({ action: 'approve' }).expect(200);
    expect(ids((await search(preMember, 'pretzels', {}, preGroup).expect(200)).body.items)).toEqual([approved.id]);
  });

  it("never finds another group's posts, and answers outsiders as the topic list does", async () => {
    const otherGroup = await createGroup(forum, admin, { mode: 'post' });
    const outsider = await joinedMember(forum, otherGroup, await referralCode(forum, admin, otherGroup));
    const theirs = await topic(outsider, 'Porridge', 'Porridge with berries keeps me going.', otherGroup);
    const ours = await topic(member, 'Oats', 'Porridge every morning here too.');
    expect(ids((await search(outsider, 'porridge', {}, otherGroup).expect(200)).body.items)).toEqual([theirs.id]);
    expect(ids(await found('porridge'))).toEqual([ours.id]);

    expect((await search(outsider, 'porridge').expect(403)).body.code).toBe('NOT_A_MEMBER');
    const stranger = await registerAndLogin(forum.url);
    expect((await search(stranger, 'porridge').expect(403)).body.code).toBe('NOT_A_MEMBER');
    await search(reader, 'porridge', {}, '00000000-0000-4000-8000-000000000000').expect(404);
    await search(reader, 'porridge', {}, 'not-a-group').expect(404);
    await request(forum.url).get(`/groups/${groupId}/search?q=porridge`).expect(401);

    await request(forum.url)
      .put(`/groups/${otherGroup}/agreement`)
      .set(bearer(admin))
      .send({ clauses: [{ key: 'respect', title: 'Respect', text: 'Be kind.' }] })
      .expect(201);
    const gated = await search(outsider, 'porridge', {}, otherGroup).expect(403);
    expect(gated.body).toMatchObject({ code: 'AGREEMENT_REQUIRED', version: expect.any(Number) });
  });

  it('refuses an empty, blank, missing or too long q, and cursors it did not issue, with 422', async () => {
    const refused = async (q: string | undefined, extra: Record<string, string | number> = {}) => {
      const response = await search(reader, q, extra).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      return response.body.errors.map((e: Json) => e.field);
    };
    expect(await refused('')).toContain('q');
    expect(await refused('   ')).toContain('q');
    expect(await refused(undefined)).toContain('q');
    expect(await refused('x'.repeat(201))).toContain('q');
    expect(await refused('\u0000')).toContain('q');
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      'garbage',
      encode({ rank: 'high', id: member.id }),
      encode({ rank: 0.1, id: "1' OR 1=1" }),
      encode({ at: new Date().toISOString(), id: member.id }),
      encode([1, 2]),
    ]) {
      expect(await refused('walking', { cursor })).toEqual(['cursor']);
    }
    expect(await refused('walking', { limit: 0 })).toEqual(['limit']);
    // Odd but valid words are simply looked for.
    await search(reader, 'x'.repeat(200)).expect(200);
    for (const q of ['"unclosed', 'or', '-', ':*&|!()', 'the', "'; DROP TABLE posts; --", 'walk\u0000ing']) {
      await search(reader, q).expect(200);
    }
  });
});
