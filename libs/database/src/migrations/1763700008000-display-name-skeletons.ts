import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillSkeletons } from '@kindred/identity';

const BATCH = 1000;

/**
 * Display names are unique by their confusable skeleton (UTS #39), so nobody can pose as someone
 * else with look-alike letters. Existing names get their skeleton here; where two existing names
 * already look alike, the oldest keeps the plain skeleton and the others get it suffixed with their
 * own id (see backfillSkeletons), so the unique index builds, nobody is renamed behind their back,
 * and a new look-alike of any of them is refused.
 */
export class DisplayNameSkeletons1763700008000 implements MigrationInterface {
  name = 'DisplayNameSkeletons1763700008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN display_name_skeleton text`);
    const users = (await q.query(`SELECT id, display_name FROM users ORDER BY created_at ASC, id ASC`)) as Array<{ id: string; display_name: string }>;
    const skeletons = backfillSkeletons(users.map((u) => ({ id: u.id, displayName: u.display_name })));
    for (let at = 0; at < skeletons.length; at += BATCH) {
      const batch = skeletons.slice(at, at + BATCH);
      await q.query(`UPDATE users u SET display_name_skeleton = s.skeleton FROM unnest($1::uuid[], $2::text[]) AS s(id, skeleton) WHERE u.id = s.id`, [
        batch.map((s) => s.id),
        batch.map((s) => s.skeleton),
      ]);
    }
    await q.query(`ALTER TABLE users ALTER COLUMN display_name_skeleton SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX users_display_name_skeleton_key ON users (display_name_skeleton)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_display_name_skeleton_key`);
    await q.query(`ALTER TABLE users DROP COLUMN display_name_skeleton`);
  }
}
