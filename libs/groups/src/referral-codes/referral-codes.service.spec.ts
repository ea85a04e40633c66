import type { Tx } from '@kindred/database';
import type { GroupsRepository } from '../group/groups.repository';
import { FakeConfigurationTrail, FakeGroupsRepository, FakeReferralCodesRepository, fakeTransactions, standIn } from '../groups.fakes';
import type { ConfigurationTrail } from '../configuration-trail';
import { groupsContext, person, rejection } from '../groups.spec-kit';
import { REFERRAL_CODE_ALPHABET, REFERRAL_CODE_LENGTH } from './referral-code';
import type { ReferralCodesRepository } from './referral-codes.repository';
import { ReferralCodesService } from './referral-codes.service';

const tx = {} as Tx;
const ADMIN = person('admin', true);
const inADay = () => new Date(Date.now() + 24 * 3600_000).toISOString();

function referralCodes() {
  const ctx = groupsContext();
  const group = ctx.group();
  return { ...ctx, group, service: ctx.referralCodes };
}

describe('ReferralCodesService', () => {
  describe('create', () => {
    it('gives an admin a fresh, unused code in the unambiguous alphabet, with the label trimmed', async () => {
      const { service, group, store } = referralCodes();
      const expiresAt = inADay();
      const view = await service.create(ADMIN, group.id, { label: '  Renal clinic, Leeds  ', maxUses: 3, expiresAt });
      expect(view).toEqual({
        id: expect.any(String),
        code: expect.stringMatching(new RegExp(`^[${REFERRAL_CODE_ALPHABET}]{${REFERRAL_CODE_LENGTH}}$`)),
        label: 'Renal clinic, Leeds',
        maxUses: 3,
        uses: 0,
        expiresAt: new Date(expiresAt),
        createdAt: expect.any(Date),
        revokedAt: null,
      });
      expect(store.codes).toHaveLength(1);
      expect(store.codes[0]).toMatchObject({ groupId: group.id, createdBy: 'admin' });
      const other = await service.create(ADMIN, group.id, { label: 'x', maxUses: 1, expiresAt });
      expect(other.code).not.toBe(view.code);
    });

    it('is for admins only', async () => {
      const { service, group, store } = referralCodes();
      const refused = await rejection(service.create(person('member'), group.id, { label: 'x', maxUses: 1, expiresAt: inADay() }));
      expect(refused?.code).toBe('FORBIDDEN');
      expect(store.codes).toEqual([]);
    });

    it.each([
      ['not a date', 'not a date'],
      ['in the past', new Date(Date.now() - 1000).toISOString()],
    ])('refuses an expiry that is %s', async (_what, expiresAt) => {
      const { service, group, store } = referralCodes();
      const refused = await rejection(service.create(ADMIN, group.id, { label: 'x', maxUses: 1, expiresAt }));
      expect(refused?.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(refused)).toContain('expiresAt');
      expect(store.codes).toEqual([]);
    });

    it('is not found for a group that does not exist, or an id that is not one', async () => {
      const { service } = referralCodes();
      expect((await rejection(service.create(ADMIN, '00000000-0000-4000-8000-999999999999', { label: 'x', maxUses: 1, expiresAt: inADay() })))?.code).toBe(
        'NOT_FOUND',
      );
      expect((await rejection(service.create(ADMIN, 'nope', { label: 'x', maxUses: 1, expiresAt: inADay() })))?.code).toBe('NOT_FOUND');
    });

    it('tries a fresh code when one clashes with a code already there, and gives up after five clashes', async () => {
      const ctx = groupsContext();
      const group = ctx.group();
      const repository = new FakeReferralCodesRepository(ctx.store);
      let clashes = 0;
      const insert = repository.insert.bind(repository);
      repository.insert = async (values) => {
        if (clashes > 0) {
          clashes -= 1;
          throw Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
        }
        return insert(values);
      };
      const service = new ReferralCodesService(
        standIn<ReferralCodesRepository>(repository),
        standIn<GroupsRepository>(new FakeGroupsRepository(ctx.store)),
        fakeTransactions,
        new FakeConfigurationTrail() as unknown as ConfigurationTrail,
      );
      clashes = 4;
      expect((await service.create(ADMIN, group.id, { label: 'x', maxUses: 1, expiresAt: inADay() })).uses).toBe(0);
      clashes = 5;
      expect(await rejection(service.create(ADMIN, group.id, { label: 'x', maxUses: 1, expiresAt: inADay() }))).toMatchObject({ message: 'duplicate key' });
      expect(ctx.store.codes).toHaveLength(1);
      expect(clashes).toBe(0);
    });

    it('does not retry other failures', async () => {
      const ctx = groupsContext();
      const group = ctx.group();
      let calls = 0;
      const repository = {
        insert: async () => {
          calls += 1;
          throw Object.assign(new Error('deadlock'), { code: '40P01' });
        },
      };
      const service = new ReferralCodesService(
        repository as unknown as ReferralCodesRepository,
        standIn<GroupsRepository>(new FakeGroupsRepository(ctx.store)),
        fakeTransactions,
        new FakeConfigurationTrail() as unknown as ConfigurationTrail,
      );
      expect(await rejection(service.create(ADMIN, group.id, { label: 'x', maxUses: 1, expiresAt: inADay() }))).toMatchObject({ code: '40P01' });
      expect(calls).toBe(1);
    });
  });

  describe('list and revoke', () => {
    it('lists the group’s codes with their uses; a revoked code admits nobody, and the trail has it once, without the code', async () => {
      const ctx = groupsContext();
      const group = ctx.group();
      const { id, code } = await ctx.referralCodes.create(ADMIN, group.id, { label: 'Leeds', maxUses: 3, expiresAt: inADay() });
      expect(await ctx.referralCodes.claim(tx, group.id, code)).toBe(id);
      expect(await ctx.referralCodes.list(ADMIN, group.id)).toEqual([expect.objectContaining({ id, uses: 1, revokedAt: null })]);
      expect((await rejection(ctx.referralCodes.list(person('member'), group.id)))?.code).toBe('FORBIDDEN');

      await ctx.referralCodes.revoke(ADMIN, group.id, id);
      await ctx.referralCodes.revoke(ADMIN, group.id, id);
      expect(await ctx.referralCodes.claim(tx, group.id, code)).toBeNull();
      expect((await ctx.referralCodes.list(ADMIN, group.id))[0]!.revokedAt).toEqual(expect.any(Date));
      expect((await rejection(ctx.referralCodes.revoke(ADMIN, group.id, '00000000-0000-4000-8000-000000000999')))?.code).toBe('NOT_FOUND');
      expect((await rejection(ctx.referralCodes.revoke(person('member'), group.id, id)))?.code).toBe('FORBIDDEN');

      const revokes = ctx.trail.changes.filter((c) => c.action === 'referral-code.revoke');
      expect(revokes).toEqual([
        expect.objectContaining({
          actorId: ADMIN.id,
          subjectId: id,
          before: expect.objectContaining({ revoked: false, uses: 1 }),
          after: expect.objectContaining({ revoked: true }),
        }),
      ]);
      expect(JSON.stringify(ctx.trail.changes)).not.toContain(code);
    });
  });

  describe('claim', () => {
    it('takes one use of a code as typed (case, spaces and hyphens aside) until it is used up', async () => {
      const { service, group, store } = referralCodes();
      const { id, code } = await service.create(ADMIN, group.id, { label: 'x', maxUses: 2, expiresAt: inADay() });
      const typed = `${code.slice(0, 5).toLowerCase()}- ${code.slice(5)}`;
      expect(await service.claim(tx, group.id, typed)).toBe(id);
      expect(await service.claim(tx, group.id, code)).toBe(id);
      expect(await service.claim(tx, group.id, code)).toBeNull();
      expect(store.codes[0]!.uses).toBe(2);
    });

    it('is null for a code of another group, an expired code, or text that could never be a code', async () => {
      const { service, group, store } = referralCodes();
      const { code } = await service.create(ADMIN, group.id, { label: 'x', maxUses: 5, expiresAt: inADay() });
      expect(await service.claim(tx, '00000000-0000-4000-8000-000000000999', code)).toBeNull();
      store.codes[0]!.expiresAt = new Date(Date.now() - 1000);
      expect(await service.claim(tx, group.id, code)).toBeNull();
      expect(await service.claim(tx, group.id, 'O0I1L-UVOIL')).toBeNull();
      expect(store.codes[0]!.uses).toBe(0);
    });

    it('does not look up text that could never be a code', async () => {
      const lookedUp: string[] = [];
      const repository = { claim: async (_tx: Tx, _groupId: string, code: string) => (lookedUp.push(code), 'id') };
      const service = new ReferralCodesService(
        repository as unknown as ReferralCodesRepository,
        {} as GroupsRepository,
        fakeTransactions,
        {} as ConfigurationTrail,
      );
      expect(await service.claim(tx, 'g', 'too short')).toBeNull();
      expect(await service.claim(tx, 'g', 'O0I1L-UVOIL')).toBeNull();
      expect(await service.claim(tx, 'g', 'abcde-fghjk')).toBe('id');
      expect(lookedUp).toEqual(['ABCDEFGHJK']);
    });
  });
});
