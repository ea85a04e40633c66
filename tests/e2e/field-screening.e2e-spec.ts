import request from 'supertest';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

const CRISIS_TITLE = 'I want to kill myself tonight - text me on 07700 900321';

/** Every member-written field passes screening: topic titles, content warnings, display names, report notes and appeal texts. */
describe('every member-written field is screened', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker()]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  async function startTopic(author: Person, groupId: string, topic: { title: string; body: string; contentWarning?: string }): Promise<Record<string, any>> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send(topic).expect(202);
    return { ...(await screened(forum, author, response.body.id)), topicId: response.body.topicId };
  }

  async function openItems(moderator: Person, groupId: string): Promise<Array<Record<string, any>>> {
    const response = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(moderator)).expect(200);
    return response.body.items;
  }

  async function topicTitles(reader: Person, groupId: string): Promise<string[]> {
    const response = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(reader)).expect(200);
    return response.body.items.map((t: Record<string, any>) => t.title);
  }

  describe('topic titles and content warnings', () => {
    let groupId: string;
    let member: Person;
    let other: Person;
    let supporter: Person;

    beforeAll(async () => {
      groupId = await createGroup(forum, admin, { mode: 'post' });
      const code = await referralCode(forum, admin, groupId);
      [member, other, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      await request(forum.url).post(`/groups/${groupId}/rules`).set(bearer(admin)).send({ pattern: 'darn', match: 'word', action: 'mask' }).expect(201);
    });

    it('holds a topic whose title is a crisis, signposts its author and raises an urgent item that shows the title', async () => {
      const held = await startTopic(member, groupId, { title: CRISIS_TITLE, body: 'Hello everyone.' });
      expect(held.status).toBe('held');
      expect(JSON.stringify(held.signposting)).toContain('116 123');

      const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
      expect(notices.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'signposting', subjectId: held.id })]));

      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item).toMatchObject({ kind: 'post', priority: 'urgent', subject: { title: CRISIS_TITLE, body: 'Hello everyone.' } });
      expect(item.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'crisis', field: 'title' }),
          expect.objectContaining({ source: 'personal-data', field: 'title', clauseKey: 'stay-unidentifiable' }),
        ]),
      );
      expect(JSON.stringify(item.reasons)).not.toContain('900321');

      // Nothing of it reaches anyone else: not the list, not the topic, not its posts.
      expect(await topicTitles(other, groupId)).not.toContain(CRISIS_TITLE);
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
      await request(forum.url).get(`/topics/${held.topicId}/posts`).set(bearer(other)).expect(404);
      // Its author still sees it, as theirs.
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(member)).expect(200);
    });

    it('holds a topic whose content warning carries crisis words, with the reason on the content warning', async () => {
      const held = await startTopic(member, groupId, { title: 'A hard week', body: 'Hello everyone.', contentWarning: 'I want to end my life' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item).toMatchObject({ priority: 'urgent', subject: { title: 'A hard week', contentWarning: 'I want to end my life' } });
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'crisis', field: 'contentWarning' })]));
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
    });

    it('holds a topic whose title carries an email address, and names the title as the reason', async () => {
      const held = await startTopic(member, groupId, { title: 'Write to sam@example.org', body: 'Hello everyone.' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item.priority).toBe('normal');
      expect(item.reasons).toEqual([expect.objectContaining({ source: 'personal-data', field: 'title' })]);
    });

    it('masks a watched word in the title in place and publishes the topic', async () => {
      const published = await startTopic(member, groupId, { title: 'What a darn week', body: 'Hello everyone.', contentWarning: 'darn hospitals' });
      expect(published.status).toBe('published');
      const topic = await request(forum.url).get(`/topics/${published.topicId}`).set(bearer(other)).expect(200);
      expect(topic.body).toMatchObject({ title: 'What a •••• week', contentWarning: '•••• hospitals' });
      expect(await topicTitles(other, groupId)).toContain('What a •••• week');
    });

    it('still publishes an ordinary topic for everyone', async () => {
      const published = await startTopic(member, groupId, { title: 'Dialysis tips', body: 'What helps you on long sessions?', contentWarning: 'needles' });
      expect(published.status).toBe('published');
      expect(await topicTitles(other, groupId)).toContain('Dialysis tips');
    });
  });

  describe('in a pre-moderated group', () => {
    it('shows the reviewer the title and content warning with the field behind each reason, and a removal keeps the title from everyone', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'pre' });
      const code = await referralCode(forum, admin, groupId);
      const [member, other, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      const held = await startTopic(member, groupId, { title: 'Text me on 07700 900321', body: 'Hello everyone.', contentWarning: 'long post' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item.subject).toMatchObject({ title: 'Text me on 07700 900321', contentWarning: 'long post', body: 'Hello everyone.' });
      expect(item.reasons).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'pre-moderation' }), expect.objectContaining({ source: 'personal-data', field: 'title' })]),
      );
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
      await request(forum.url)
        .post(`/review-items/${item.id}/decision`)
        .set(bearer(supporter))
        .send({ action: 'remove', clauseKey: 'stay-unidentifiable' })
        .expect(200);
      expect(await topicTitles(other, groupId)).not.toContain('Text me on 07700 900321');
    });
  });
});
