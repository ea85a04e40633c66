import { createGroup, joinedMember, referralCode } from '../support/community';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

/**
 * A regular expression that backtracks catastrophically must never stall screening: it is refused
 * when an admin saves it, and the worker, running every regex the group was allowed to keep, still
 * screens the classic attack text ("aaaa…!") promptly.
 */
describe('a hostile regex rule', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ SCREENING_CONCURRENCY: '2' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('is refused with 422 when saved, and allowed rules cannot stall the worker', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const member = await joinedMember(stack.forum, groupId, code);
    const saveRule = (pattern: string) =>
      request(stack.forum.url).post(`/groups/${groupId}/rules`).set(bearer(admin)).send({ pattern, match: 'regex', action: 'hold' }).timeout(5000);

    // Each of these takes exponential time on a long run of "a" with no match at the end.
    for (const hostile of ['(a+)+$', '(a|aa)+$', '(a*)*b', '(\\w+\\s?)+$', '^(a|a?)+$', '(.*a){12}', '(x+x+)+y']) {
      const response = await saveRule(hostile);
      expect({ hostile, status: response.status }).toEqual({ hostile, status: 422 });
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    // The closest safe relatives are accepted, and are what the worker will run.
    for (const allowed of ['a+!?b', 'a{1,50}c', '(ab|cd)e+', '\\bfree\\s+money\\b']) {
      const response = await saveRule(allowed);
      expect({ allowed, status: response.status }).toEqual({ allowed, status: 201 });
    }
    const { body: rules } = await request(stack.forum.url).get(`/groups/${groupId}/rules`).set(bearer(admin)).expect(200);
    expect(rules.items.map((r: { pattern: string }) => r.pattern).sort()).toEqual(['(ab|cd)e+', '\\bfree\\s+money\\b', 'a+!?b', 'a{1,50}c'].sort());

    const started = Date.now();
    const attack = `${'a'.repeat(19_990)}!`;
    const posted = await request(stack.forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: 'Long text', body: attack }).expect(202);
    const ordinary = await request(stack.forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(member))
      .send({ title: 'Right after', body: 'Clinic went fine today.' })
      .expect(202);

    // Both leave screening within a few seconds: the worker was never stuck on the long text.
    for (const id of [posted.body.id, ordinary.body.id]) {
      for (;;) {
        const response = await request(stack.forum.url).get(`/posts/${id}`).set(bearer(member)).expect(200);
        if (response.body.status !== 'screening') break;
        if (Date.now() - started > 5000) throw new Error(`post ${id} still in screening after 5 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
