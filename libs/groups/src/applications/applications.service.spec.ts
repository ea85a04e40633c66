import { groupsContext, person, rejection } from '../groups.spec-kit';

const APPLICANT = '00000000-0000-4000-8000-0000000000a1';
const SUPPORTER = '00000000-0000-4000-8000-0000000000a2';

function withApplicant() {
  const ctx = groupsContext();
  const g = ctx.group();
  ctx.dateOfBirth.set(APPLICANT, '1990-01-01');
  ctx.store.memberships.push({ userId: SUPPORTER, groupId: g.id, role: 'supporter', status: 'active', mutedUntil: null, joinedAt: new Date() });
  return { ...ctx, g };
}

describe('ApplicationsService (in-memory repositories)', () => {
  it('waits for review without a code, due after the group’s review time', async () => {
    const { applications, g } = withApplicant();
    const receipt = await applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true });
    expect(receipt.status).toBe('pending');
    expect(receipt.dueAt!.getTime() - Date.now()).toBeGreaterThan((g.moderation.reviewSlaMinutes - 1) * 60_000);
  });

  it('admits at once with a referral code that has uses left, and publishes membership.changed', async () => {
    const { applications, referralCodes, g, store, published } = withApplicant();
    const code = await referralCodes.create(person('admin', true), g.id, {
      label: 'clinic',
      maxUses: 1,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const receipt = await applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true, referralCode: code.code });
    expect(receipt.status).toBe('approved');
    expect(store.membership(APPLICANT, g.id)).toMatchObject({ role: 'member', status: 'active' });
    expect(published).toContainEqual({ name: 'membership.changed', payload: { userId: APPLICANT, groupId: g.id } });
    expect(store.codes[0].uses).toBe(1);
  });

  it('sends a used-up code to review instead, and says so', async () => {
    const { applications, referralCodes, g, store } = withApplicant();
    const code = await referralCodes.create(person('admin', true), g.id, {
      label: 'clinic',
      maxUses: 1,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    store.codes[0].uses = 1;
    const receipt = await applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true, referralCode: code.code });
    expect(receipt).toMatchObject({ status: 'pending', message: expect.stringContaining('could not be used') });
  });

  it('refuses a banned person, a second pending application, a missing declaration and someone too young', async () => {
    const { applications, memberships, g, dateOfBirth } = withApplicant();
    expect((await rejection(applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: false })))?.code).toBe('VALIDATION_FAILED');
    await applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true });
    expect(await rejection(applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'APPLICATION_PENDING',
    });
    const young = '00000000-0000-4000-8000-0000000000a9';
    dateOfBirth.set(young, `${new Date().getUTCFullYear() - 15}-01-01`);
    expect((await rejection(applications.apply(person(young), g.id, { answers: {}, declaration: true })))?.code).toBe('NOT_ELIGIBLE');
    await memberships.ban(young, g.id);
    expect((await rejection(applications.apply(person(young), g.id, { answers: {}, declaration: true })))?.code).toBe('BANNED');
  });

  it('a supporter decides once; the applicant is told, and may not decide their own', async () => {
    const { applications, g, store, notices } = withApplicant();
    const receipt = await applications.apply(person(APPLICANT), g.id, { answers: {}, declaration: true });
    expect((await rejection(applications.decide(person(APPLICANT), receipt.id, 'approve', 'ok')))?.code).toBe('NOT_FOUND');
    const view = await applications.decide(person(SUPPORTER), receipt.id, 'approve', '  Welcome  ');
    expect(view).toMatchObject({ status: 'approved', decidedBy: SUPPORTER, decisionReason: 'Welcome' });
    expect(store.membership(APPLICANT, g.id)?.status).toBe('active');
    expect(notices).toHaveLength(1);
    expect(await rejection(applications.decide(person(SUPPORTER), receipt.id, 'reject', 'no'))).toMatchObject({
      code: 'CONFLICT',
      reason: 'APPLICATION_DECIDED',
    });
  });
});
