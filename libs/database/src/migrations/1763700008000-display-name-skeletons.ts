import { MigrationInterface, QueryRunner } from 'typeorm';
import unhomoglyph from 'unhomoglyph';

const BATCH = 1000;
const INVISIBLE_OR_SPACE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

/**
 * `displayNameSkeleton` (libs/identity) as it was when this migration was written: a migration
 * must not change behaviour when the app's code does. display-name-skeletons.spec.ts checks that
 * the two still agree; when they no longer do, a new migration must recompute the skeletons.
 */
export function skeletonAsMigrated(name: string): string {
  const folded = name.normalize('NFKC').replace(INVISIBLE_OR_SPACE, '');
  // Mapped before folding case, as capitals have look-alikes of their own (Greek Η passes for H,
  // though its small η passes for n), and again after it, as a prototype may be a capital ("0" → "O").
  const mapped = unhomoglyph(unhomoglyph(folded).toLowerCase()).toLowerCase();
  // A capital I passes for a small l, but a small i does not: so that "BILL" and "Bill" meet as
  // well as "BiII" and "Bill", i and l are one letter here.
  return mapped.replace(/i/g, 'l').normalize('NFKC');
}

/**
 * Skeletons for names chosen before skeletons were kept, oldest first: the oldest holder of each
 * skeleton keeps it, and any later look-alike gets it suffixed with its own id ("#" is never in
 * a skeleton of a name the API accepts), so the unique index builds without renaming anyone, and
 * a new look-alike of any of them is still refused.
 */
export function backfillSkeletons(oldestFirst: ReadonlyArray<{ id: string; displayName: string }>): Array<{ id: string; skeleton: string }> {
  const taken = new Set<string>();
  return oldestFirst.map(({ id, displayName }) => {
    const skeleton = skeletonAsMigrated(displayName);
    if (taken.has(skeleton)) return { id, skeleton: `${skeleton}#${id}` };
    taken.add(skeleton);
    return { id, skeleton };
  });
}

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
