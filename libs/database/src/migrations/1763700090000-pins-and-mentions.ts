import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pinned topics and @mentions.
 *
 * A group's supporters pin topics (`pinned_at`), and may make one of them the group's welcome topic
 * and one its introductions thread (`pin_role`, at most one of each per group): pinned topics list
 * first, and a new member lands on the welcome topic.
 *
 * Identity publishes members' display names as a view, `display_names`, so groups can suggest the
 * members of one group whose names start with what someone types after an `@`, without reading
 * `users`; the prefix index lets a short prefix start from the names rather than from the group.
 */
export class PinsAndMentions1763700090000 implements MigrationInterface {
  name = 'PinsAndMentions1763700090000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE topics
        ADD COLUMN pinned_at timestamptz,
        ADD COLUMN pin_role text CONSTRAINT topics_pin_role_check CHECK (pin_role IN ('welcome', 'introductions')),
        ADD CONSTRAINT topics_pin_role_pinned_check CHECK (pin_role IS NULL OR pinned_at IS NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX topics_pin_role_key ON topics (group_id, pin_role) WHERE pin_role IS NOT NULL`);
    await q.query(`CREATE INDEX topics_pinned_idx ON topics (group_id, pinned_at DESC) WHERE pinned_at IS NOT NULL`);
    await q.query(`CREATE VIEW display_names AS SELECT id, display_name, display_name_normalised FROM users`);
    await q.query(`CREATE INDEX users_display_name_prefix_idx ON users (display_name_normalised text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_display_name_prefix_idx`);
    await q.query(`DROP VIEW display_names`);
    await q.query(`DROP INDEX topics_pinned_idx`);
    await q.query(`DROP INDEX topics_pin_role_key`);
    await q.query(`ALTER TABLE topics DROP CONSTRAINT topics_pin_role_pinned_check, DROP COLUMN pin_role, DROP COLUMN pinned_at`);
  }
}
