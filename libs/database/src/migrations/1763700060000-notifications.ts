import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications reach people who are not looking: an in-app list with unread state, web push per
 * device and email, each per the person's preferences. Every delivery is one row per event, person
 * and channel (unique), claimed before it is sent and marked once sent, so a retry, a crash or a
 * second worker never sends it twice. The VAPID key pair web push signs with is made on first
 * start and kept here. Unsubscribe links are kept only as SHA-256 hashes.
 */
export class Notifications1763700060000 implements MigrationInterface {
  name = 'Notifications1763700060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL,
        group_id uuid REFERENCES groups(id) ON DELETE CASCADE,
        subject_id uuid,
        title text NOT NULL,
        count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        read_at timestamptz(3),
        UNIQUE (event_id, user_id)
      )`);
    await q.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`);

    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        timezone text NOT NULL DEFAULT 'UTC',
        quiet_from text CHECK (quiet_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        quiet_to text CHECK (quiet_to ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        kinds jsonb NOT NULL DEFAULT '{}',
        show_details boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
      )`);

    await q.query(`
      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint text NOT NULL UNIQUE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id)`);

    await q.query(`
      CREATE TABLE vapid_keys (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        public_key text NOT NULL,
        private_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        event_id text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('push', 'email')),
        mode text NOT NULL CHECK (mode IN ('immediate', 'digest')),
        state text NOT NULL CHECK (state IN ('pending', 'held', 'sending', 'sent', 'failed', 'skipped')),
        urgent boolean NOT NULL DEFAULT false,
        due_at timestamptz(3) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_at timestamptz(3),
        sent_at timestamptz(3),
        sent_to uuid[] NOT NULL DEFAULT '{}',
        digest_id uuid,
        last_error text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (event_id, user_id, channel)
      )`);
    await q.query(`CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (due_at) WHERE state IN ('pending', 'held', 'sending')`);
    await q.query(`CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id)`);
    await q.query(`CREATE INDEX notification_deliveries_digest_idx ON notification_deliveries (digest_id) WHERE digest_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE unsubscribe_tokens (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX unsubscribe_tokens_created_idx ON unsubscribe_tokens (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unsubscribe_tokens`);
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`DROP TABLE vapid_keys`);
    await q.query(`DROP TABLE push_subscriptions`);
    await q.query(`DROP TABLE notification_preferences`);
    await q.query(`DROP TABLE notifications`);
  }
}
