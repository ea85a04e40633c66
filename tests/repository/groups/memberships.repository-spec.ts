import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { manager } from '@kindred/database';
import { insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { AgreementAcceptance } from '../../../libs/groups/src/agreements/agreement-acceptance.entity';
import { AgreementVersion } from '../../../libs/groups/src/agreements/agreement-version.entity';
import { Group } from '../../../libs/groups/src/group/group.entity';
import { GroupsRepository } from '../../../libs/groups/src/group/groups.repository';
import { DEFAULT_MODERATION } from '../../../libs/groups/src/group/moderation-settings';
import { Membership } from '../../../libs/groups/src/membership/membership.entity';
import { MembershipsRepository } from '../../../libs/groups/src/membership/memberships.repository';

describe('MembershipsRepository and GroupsRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let memberships: MembershipsRepository;
  let groups: GroupsRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([Group, Membership, AgreementVersion, AgreementAcceptance]);
    memberships = new MembershipsRepository(dataSource);
    groups = new GroupsRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  async function group(): Promise<Group> {
    return inTransaction(dataSource, async (tx) => {
      const g = await groups.insert(tx, {
        slug: `g-${randomUUID()}`,
        name: 'Repository group',
        description: 'd',
        condition: 'c',
        openedAt: new Date(),
        eligibility: { minAge: 18, questions: [] },
        moderation: { ...DEFAULT_MODERATION },
        slowModeSeconds: 0,
        chatRetentionDays: 90,
      });
      await manager(tx).insert(AgreementVersion, { groupId: g.id, version: 1, clauses: [], publishedAt: new Date(), publishedBy: null });
      return g;
    });
  }

  it('reads a standing: the current version, the membership and the latest acceptance; null for no group', async () => {
    const g = await group();
    const user = await insertUser(dataSource);
    await expect(memberships.standing(randomUUID(), user)).resolves.toBeNull();
    expect(await memberships.standing(g.id, user)).toMatchObject({ standing_group_id: g.id, standing_role: null, standing_accepted_version: null });
    await inTransaction(dataSource, (tx) => memberships.admit(tx, user, g.id));
    await dataSource.getRepository(AgreementAcceptance).insert({ userId: user, groupId: g.id, version: 1, acceptedAt: new Date() });
    const standing = await memberships.standing(g.id, user);
    expect(standing).toMatchObject({ standing_role: 'member', standing_status: 'active' });
    expect(Number(standing!.standing_current_version)).toBe(1);
    expect(Number(standing!.standing_accepted_version)).toBe(1);
  });

  it('a supporter stays one when admitted; a ban keeps the row and refuses appointment; lifting it needs the ban', async () => {
    const g = await group();
    const user = await insertUser(dataSource);
    await expect(memberships.appointSupporter(user, g.id)).resolves.toBe(true);
    await inTransaction(dataSource, (tx) => memberships.admit(tx, user, g.id));
    await expect(memberships.supporterIds(g.id)).resolves.toEqual([user]);
    await memberships.ban(user, g.id);
    await expect(memberships.find(user, g.id)).resolves.toMatchObject({ role: 'member', status: 'banned' });
    await expect(memberships.appointSupporter(user, g.id)).resolves.toBe(false);
    await expect(inTransaction(dataSource, (tx) => memberships.liftBan(tx, user, g.id))).resolves.toBe(true);
    await expect(inTransaction(dataSource, (tx) => memberships.liftBan(tx, user, g.id))).resolves.toBe(false);
  });

  it('lifts only the mute it was given, while it is in force', async () => {
    const g = await group();
    const user = await insertUser(dataSource);
    await expect(memberships.mute(user, g.id, new Date(Date.now() + 60_000))).resolves.toBe(false);
    await inTransaction(dataSource, (tx) => memberships.admit(tx, user, g.id));
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    await expect(memberships.mute(user, g.id, until)).resolves.toBe(true);
    await expect(inTransaction(dataSource, (tx) => memberships.liftMute(tx, user, g.id, new Date(until.getTime() + 1000)))).resolves.toBe(false);
    await expect(inTransaction(dataSource, (tx) => memberships.liftMute(tx, user, g.id, until))).resolves.toBe(true);
  });

  it('pages a group’s members in the order they joined, with the version each accepted', async () => {
    const g = await group();
    const [a, b] = [await insertUser(dataSource), await insertUser(dataSource)];
    for (const u of [a, b]) await inTransaction(dataSource, (tx) => memberships.admit(tx, u, g.id));
    const first = await memberships.page(g.id, 1, null);
    expect(first).toHaveLength(1);
    const rest = await memberships.page(g.id, 5, { at: first[0].joinedAt.toISOString(), id: first[0].userId });
    expect([...first, ...rest].map((r) => r.userId).sort()).toEqual([a, b].sort());
    expect(rest[0]).toMatchObject({ acceptedVersion: null, status: 'active' });
    await expect(memberships.activeOf(a)).resolves.toHaveLength(1);
  });

  it('exports a person’s memberships with the group’s name, and erases them', async () => {
    const g = await group();
    const user = await insertUser(dataSource);
    await inTransaction(dataSource, (tx) => memberships.admit(tx, user, g.id));
    await expect(memberships.exportFor(user)).resolves.toEqual([expect.objectContaining({ groupId: g.id, groupName: 'Repository group', role: 'member' })]);
    await inTransaction(dataSource, (tx) => memberships.eraseFor(tx, user));
    await expect(memberships.exportFor(user)).resolves.toEqual([]);
  });

  it('suggests active members of one group by the start of their names, in any case, by name: never the asker, a banned member or another group', async () => {
    const [g, other] = [await group(), await group()];
    const tag = `q${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`;
    const named = async (name: string) => {
      const id = await insertUser(dataSource);
      await dataSource.query(`UPDATE users SET display_name = $2, display_name_normalised = $3, display_name_skeleton = $3 WHERE id = $1`, [
        id,
        name,
        name.toLowerCase(),
      ]);
      return id;
    };
    const [asker, robin, rowan, banned, elsewhere] = [
      await named(`${tag} Asker`),
      await named(`${tag} Robin`),
      await named(`${tag} rowan`),
      await named(`${tag} Robbie`),
      await named(`${tag} Roberta`),
    ];
    await inTransaction(dataSource, async (tx) => {
      for (const id of [asker, robin, rowan, banned]) await memberships.admit(tx, id, g.id);
      await memberships.admit(tx, elsewhere, other.id);
    });
    await memberships.ban(banned, g.id);
    await expect(memberships.namedStartingWith(g.id, `${tag} ro`, asker, 8)).resolves.toEqual([
      { userId: robin, displayName: `${tag} Robin` },
      { userId: rowan, displayName: `${tag} rowan` },
    ]);
    await expect(memberships.namedStartingWith(g.id, `${tag} ro`, asker, 1)).resolves.toHaveLength(1);
    await expect(memberships.namedStartingWith(g.id, `${tag} rob`, robin, 8)).resolves.toEqual([]);
    // LIKE's own characters are matched as themselves.
    await expect(memberships.namedStartingWith(g.id, `${tag}%`, asker, 8)).resolves.toEqual([]);
    await expect(memberships.namedStartingWith(g.id, `${tag}_ro`, asker, 8)).resolves.toEqual([]);
    expect((await memberships.activeAmong(g.id, [asker, robin, banned, elsewhere])).sort()).toEqual([asker, robin].sort());
    await expect(memberships.activeAmong(g.id, [])).resolves.toEqual([]);
  });
});
