import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's history in a group (the decisions about what they wrote there) is read by author and
 * group, newest first; their sanctions there already have an index by group and member.
 */
export class MemberHistory1763700071000 implements MigrationInterface {
  name = 'MemberHistory1763700071000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX review_items_author_decided_idx ON review_items (subject_author_id, group_id, decided_at DESC) WHERE status = 'decided'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX review_items_author_decided_idx`);
  }
}
