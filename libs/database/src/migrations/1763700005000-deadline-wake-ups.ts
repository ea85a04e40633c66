import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the moderation worker needs to act on a review deadline when it falls due instead of at the
 * next tick: indexes that answer "when is the next overdue or escalation moment?" with one index
 * probe each, and a NOTIFY when a row gets a moment sooner than the workers may know about, whoever
 * wrote it (the app, a script or psql).
 */
export class DeadlineWakeUps1763700005000 implements MigrationInterface {
  name = 'DeadlineWakeUps1763700005000';

  async up(q: QueryRunner): Promise<void> {
    // Escalation is at created + 2 × SLA. The arithmetic is in seconds, never in days, so it does not
    // depend on the session's time zone and may be indexed (timestamptz + '1 day' would).
    await q.query(`
      CREATE FUNCTION review_escalates_at(created_at timestamptz, due_at timestamptz) RETURNS timestamptz
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT created_at + make_interval(secs => 2 * greatest(extract(epoch FROM due_at - created_at), 0)::float8) $$`);
    // Open items nobody has been told about yet; review_items_due_idx also holds the (possibly many)
    // overdue items still waiting for a decision, which a min(due_at) would have to walk past.
    await q.query(`CREATE INDEX review_items_overdue_next_idx ON review_items (due_at) WHERE status = 'open' AND overdue_notified_at IS NULL`);
    await q.query(
      `CREATE INDEX review_items_escalation_next_idx ON review_items (review_escalates_at(created_at, due_at)) WHERE status = 'open' AND escalated_at IS NULL`,
    );

    // The payload is the earliest moment (epoch ms) at which one of the rows needs the worker.
    // Statement level for inserts, so a bulk insert sends one notification, not one per row.
    // Escalation never comes before dueAt, so it only counts for rows already told overdue.
    await q.query(`
      CREATE FUNCTION review_items_deadline_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        next_at timestamptz;
      BEGIN
        SELECT least(min(due_at) FILTER (WHERE overdue_notified_at IS NULL),
                     min(review_escalates_at(created_at, due_at)) FILTER (WHERE overdue_notified_at IS NOT NULL AND escalated_at IS NULL))
          INTO next_at FROM inserted WHERE status = 'open';
        IF next_at IS NOT NULL THEN
          PERFORM pg_notify('review_deadlines', floor(extract(epoch FROM next_at) * 1000)::bigint::text);
        END IF;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER review_items_deadline_insert AFTER INSERT ON review_items
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION review_items_deadline_notify()`);
    // Updates only wake the workers when they bring a moment forward (a merge lowering dueAt) or
    // reopen one; the WHEN clause keeps the worker's own claims and ordinary decisions silent.
    await q.query(`
      CREATE FUNCTION review_item_deadline_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('review_deadlines', floor(extract(epoch FROM least(
          CASE WHEN NEW.overdue_notified_at IS NULL THEN NEW.due_at END,
          CASE WHEN NEW.escalated_at IS NULL THEN review_escalates_at(NEW.created_at, NEW.due_at) END)) * 1000)::bigint::text);
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER review_items_deadline_update AFTER UPDATE OF status, due_at, created_at, overdue_notified_at, escalated_at ON review_items
        FOR EACH ROW
        WHEN (NEW.status = 'open' AND (NEW.overdue_notified_at IS NULL OR NEW.escalated_at IS NULL) AND (
          OLD.status IS DISTINCT FROM NEW.status OR NEW.due_at < OLD.due_at OR NEW.created_at < OLD.created_at
          OR (OLD.overdue_notified_at IS NOT NULL AND NEW.overdue_notified_at IS NULL)
          OR (OLD.escalated_at IS NOT NULL AND NEW.escalated_at IS NULL)))
        EXECUTE FUNCTION review_item_deadline_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER review_items_deadline_update ON review_items`);
    await q.query(`DROP TRIGGER review_items_deadline_insert ON review_items`);
    await q.query(`DROP FUNCTION review_item_deadline_notify()`);
    await q.query(`DROP FUNCTION review_items_deadline_notify()`);
    await q.query(`DROP INDEX review_items_escalation_next_idx`);
    await q.query(`DROP INDEX review_items_overdue_next_idx`);
    await q.query(`DROP FUNCTION review_escalates_at(timestamptz, timestamptz)`);
  }
}
