import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups publish who is an active member of which group since when, as a view, `group_members`
 * (group, person, joined): the outcomes context sends questionnaires to a group's members and
 * counts members over time for the impact report from it, without reading `memberships`.
 * Banned memberships are not in it; a member who leaves or erases their account leaves it.
 */
export class GroupMembers1763700085100 implements MigrationInterface {
  name = 'GroupMembers1763700085100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW group_members AS SELECT group_id, user_id, joined_at FROM memberships WHERE status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW group_members`);
  }
}
