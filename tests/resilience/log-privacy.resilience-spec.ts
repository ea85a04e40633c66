import { createGroup, joinedMember, referralCode, screened } from '../support/community';
import { secondFactors, totpCode } from '../support/mfa';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

/**
 * Logs never carry what members wrote, their passwords, tokens or emails. This runs the real
 * processes at debug level through a member's whole journey, then searches every line they printed.
 */
describe('application logs', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await startProcessStack({ LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('contain no message bodies, passwords, tokens, second-factor secrets or codes, or emails', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const member = await joinedMember(stack.forum, groupId, code, { password: 'lavender otter umbrella 42' });

    const secretBody = 'Quietly worried about my creatinine numbers zebracorn';
    const crisisBody = 'I want to end it all tonight, marmalade lighthouse';
    for (const body of [secretBody, crisisBody]) {
      const response = await request(stack.forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .send({ title: 'private title quokka', body })
        .expect(202);
      await screened(stack.forum, member, response.body.id);
    }
    // Failed sign-ins and malformed input are logged too: make sure they stay clean.
    await request(stack.forum.url).post('/auth/login').send({ email: member.email, password: 'wrong password typed here' }).expect(401);
    await request(stack.forum.url).post('/auth/register').send({ email: member.email, password: 'short', displayName: 'x', consent: true }).expect(422);
    await request(stack.forum.url).get('/me').set(bearer(member)).expect(200);
    // Two-step sign-in: the challenge, the codes and the secret stay out of the logs, right or wrong.
    const factor = secondFactors.get(admin.id)!;
    const challenge = await request(stack.forum.url).post('/auth/login').send({ email: admin.email, password: admin.password }).expect(200);
    const wrongCode = await totpCode(factor.secret, -40);
    await request(stack.forum.url).post('/auth/login/mfa').send({ mfaToken: challenge.body.mfaToken, code: wrongCode }).expect(401);
    const recoveryCode = factor.recoveryCodes.shift()!;
    const second = await request(stack.forum.url).post('/auth/login/mfa').send({ mfaToken: challenge.body.mfaToken, code: recoveryCode }).expect(200);

    // Give the processes a moment to flush.
    await new Promise((r) => setTimeout(r, 500));
    const logs = [...stack.forum.output, ...stack.worker.output].join('');
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [
      'zebracorn',
      'marmalade lighthouse',
      'private title quokka',
      member.password,
      'wrong password typed here',
      member.token,
      member.email,
      admin.email,
      admin.token,
      factor.secret,
      challenge.body.mfaToken,
      second.body.token,
      recoveryCode,
      ...factor.recoveryCodes,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
