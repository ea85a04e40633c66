import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profiles: an optional short "about me" (screened like a display name; members who share a group
 * read it) and whether the member appears in a chat room's "online now" list (on unless they turn it
 * off). "My posts" lists a person's own posts across every group, newest first: an index by author
 * and time serves it.
 */
export class ProfilesAndMyPosts1763700091000 implements MigrationInterface {
  name = 'ProfilesAndMyPosts1763700091000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN about_me text CHECK (char_length(about_me) <= 280)`);
    await q.query(`ALTER TABLE users ADD COLUMN show_online boolean NOT NULL DEFAULT true`);
    await q.query(`CREATE INDEX posts_author_created_idx ON posts (author_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX posts_author_created_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN show_online`);
    await q.query(`ALTER TABLE users DROP COLUMN about_me`);
  }
}
