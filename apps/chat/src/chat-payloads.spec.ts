import { parseGroup, parseJoin, parseSend } from './chat-payloads';

const GROUP = '3f1c2b9e-8a51-4c8e-9d5e-0f6b7a2c1d3e';
const MESSAGE = '9b2d6f1a-4c3e-4e7b-8a9d-1c2b3a4d5e6f';

describe('socket payloads', () => {
  it.each([
    [{ groupId: GROUP }, true],
    [{ groupId: GROUP, after: MESSAGE }, true],
    [{ groupId: GROUP, after: 'latest' }, false],
    [{ groupId: 'not-an-id' }, false],
    [{ groupId: GROUP, extra: 1 }, false],
    [null, false],
    ['group', false],
    [[GROUP], false],
  ])('chat:join %j → ok %s', (payload, ok) => {
    expect(parseJoin(payload).ok).toBe(ok);
  });

  it.each([
    [{ groupId: GROUP, body: 'hello', clientMsgId: 'c-1' }, true],
    [{ groupId: GROUP, body: '', clientMsgId: 'c-1' }, true],
    [{ groupId: GROUP, body: 42, clientMsgId: 'c-1' }, false],
    [{ groupId: GROUP, body: 'hello' }, false],
    [{ groupId: GROUP, body: 'hello', clientMsgId: 'x'.repeat(101) }, false],
    [{ groupId: GROUP, body: 'hello', clientMsgId: 'c-1', status: 'published' }, false],
  ])('chat:send %j → ok %s', (payload, ok) => {
    expect(parseSend(payload).ok).toBe(ok);
  });

  it('names the offending field', () => {
    expect(parseGroup({ groupId: 7 })).toEqual({ ok: false, message: 'groupId must be an id' });
  });
});
