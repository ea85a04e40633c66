import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Human moderation in time: the append-only audit log, members' enforcement history per clause,
 * appeals, and the durable alerts the deadline job writes for supporters and admins.
 */
export class ReviewQueue1763700003000 implements MigrationInterface {
  name = 'ReviewQueue1763700003000';

  async up(q: QueryRunner): Promise<void> {
    // Ids only, and no foreign keys: erasing an account or a group must not rewrite history.
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz(3) NOT NULL DEFAULT now(),
        actor_id uuid,
        action text NOT NULL,
        group_id uuid,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_group_at_idx ON audit_log (group_id, at DESC, id DESC)`);
    // Append-only in the database itself, whatever the application code does.
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END
      $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);

    // Stepped enforcement (warn → mute → ban) reads each member's removals and sanctions per clause.
    await q.query(`
      CREATE TABLE enforcement_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        clause_key text NOT NULL,
        action text NOT NULL,
        review_item_id uuid REFERENCES review_items(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX enforcement_history_member_idx ON enforcement_history (group_id, user_id, clause_key)`);

    // One appeal per notice; the review item carries what the reviewer needs to see.
    await q.query(`
      CREATE TABLE appeals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notice_id uuid NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        review_item_id uuid REFERENCES review_items(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE review_items ADD COLUMN appeal jsonb`);
    await q.query(`CREATE INDEX review_items_decided_idx ON review_items (group_id, decided_at) WHERE status = 'decided'`);
    await q.query(`CREATE INDEX review_items_subject_idx ON review_items (subject_type, subject_id)`);

    // The durable half of "nothing is ever overdue without someone told": the event may be missed, this row is not.
    await q.query(`
      CREATE TABLE moderation_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        kind text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT moderation_alerts_once_key UNIQUE (subject_id, kind, user_id)
      )`);
    await q.query(`CREATE INDEX moderation_alerts_user_idx ON moderation_alerts (user_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE moderation_alerts`);
    await q.query(`DROP INDEX review_items_subject_idx`);
    await q.query(`DROP INDEX review_items_decided_idx`);
    await q.query(`ALTER TABLE review_items DROP COLUMN appeal`);
    await q.query(`DROP TABLE appeals`);
    await q.query(`DROP TABLE enforcement_history`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
  }
}
