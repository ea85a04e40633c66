import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups publish a person's standing in a group as a SQL function, `member_standing(group, user)`:
 * the group's id and write rules, the membership's role, status and mute, the current agreement
 * version and the latest one the person accepted; no row when the group does not exist. Another
 * context joins it to the query that reads its own subject (`LEFT JOIN LATERAL member_standing(…)`),
 * so checking who may see a topic or post stays one round trip, without naming the groups tables.
 * A single-SELECT, STABLE SQL function: PostgreSQL inlines it into the caller's plan.
 */
export class MemberStanding1763700052000 implements MigrationInterface {
  name = 'MemberStanding1763700052000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION member_standing(of_group uuid, of_user uuid)
      RETURNS TABLE (
        standing_group_id uuid,
        standing_role text,
        standing_status text,
        standing_muted_until timestamptz,
        standing_current_version integer,
        standing_accepted_version integer,
        standing_moderation jsonb,
        standing_slow_mode_seconds integer
      )
      LANGUAGE sql STABLE AS $$
        SELECT g.id, m.role, m.status, m.muted_until,
               (SELECT max(v.version) FROM agreement_versions v WHERE v.group_id = g.id),
               (SELECT max(a.version) FROM agreement_acceptances a WHERE a.group_id = g.id AND a.user_id = of_user),
               g.moderation, g.slow_mode_seconds
          FROM groups g
          LEFT JOIN memberships m ON m.group_id = g.id AND m.user_id = of_user
         WHERE g.id = of_group
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION member_standing(uuid, uuid)`);
  }
}
