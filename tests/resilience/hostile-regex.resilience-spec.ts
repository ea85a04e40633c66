import { createGroup, joinedMember, referralCode } from '../support/community';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

/**
 * No regex rule may stall screening. Rules run on RE2 (re2js), whose time is linear in the text for any pattern it
 * accepts, so the patterns that backtrack catastrophically on JavaScript's engine, the hostile rule of issue 13
 * ([a-z]+\w+!) among them, are accepted and run; what RE2 cannot express (back-references, look-around) is refused at
 * save. A group holding every one of those patterns still screens 20,000-character attack texts promptly.
 */
describe('a hostile regex rule', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ SCREENING_CONCURRENCY: '2' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs in linear time when RE2 can express it, is refused with 422 when it cannot, and never stalls the worker', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const member = await joinedMember(stack.forum, groupId, code);
    const saveRule = (pattern: string) =>
      request(stack.forum.url).post(`/groups/${groupId}/rules`).set(bearer(admin)).send({ pattern, match: 'regex', action: 'hold' }).timeout(5000);

    // RE2 cannot express these: refused, saying why.
    for (const inexpressible of ['(a)\\1', '(?<x>a)\\k<x>', 'buy(?=now)', 'buy(?!ing)', '(?<=buy)now', '(?<!not )buy']) {
      const response = await saveRule(inexpressible);
      expect({ inexpressible, status: response.status }).toEqual({ inexpressible, status: 422 });
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(response.body)).toMatch(/Back-references|Look-ahead and look-behind/);
    }
    // Each of these takes exponential or polynomial time on a backtracking engine; on RE2 they are linear, so accepted.
    const hostile = ['[a-z]+\\w+!', '(a+)+$', '(a|aa)+$', '(a*)*b', '(\\w+\\s?)+$', '(.*a){12}', '(x+x+)+y'];
    for (const pattern of hostile) {
      const response = await saveRule(pattern);
      expect({ pattern, status: response.status }).toEqual({ pattern, status: 201 });
    }
    const { body: rules } = await request(stack.forum.url).get(`/groups/${groupId}/rules`).set(bearer(admin)).expect(200);
    expect(rules.items.map((r: { pattern: string }) => r.pattern).sort()).toEqual([...hostile].sort());

    const started = Date.now();
    const ids: string[] = [];
    // The worst case of each kind: no "!" for [a-z]+\w+!, a non-matching end for the nested repeats.
    for (const attack of ['a'.repeat(20_000), `${'a'.repeat(19_990)}!`, 'x'.repeat(20_000)]) {
      const posted = await request(stack.forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .send({ title: 'Long text.', body: attack })
        .expect(202);
      ids.push(posted.body.id);
    }
    const ordinary = await request(stack.forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(member))
      .send({ title: 'Right after.', body: 'Clinic went fine today.' })
      .expect(202);
    ids.push(ordinary.body.id);

    // All leave screening within a few seconds: the worker was never stuck on a long text.
    for (const id of ids) {
      for (;;) {
        const response = await request(stack.forum.url).get(`/posts/${id}`).set(bearer(member)).expect(200);
        if (response.body.status !== 'screening') break;
        if (Date.now() - started > 5000) throw new Error(`post ${id} still in screening after 5 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(Date.now() - started).toBeLessThan(5000);
    // Titles are screened by the same rules, so they end in a full stop that none of the hostile rules matches.
    // The rules really ran over the whole text: every attack ends in a match of some rule ((a+)+$ or (\w+\s?)+$ at the
    // very end, [a-z]+\w+! at the "!"), so each was held; the ordinary post matches none and was published.
    const statuses = await Promise.all(ids.map(async (id) => (await request(stack.forum.url).get(`/posts/${id}`).set(bearer(member)).expect(200)).body.status));
    expect(statuses).toEqual(['held', 'held', 'held', 'published']);
  });
});
