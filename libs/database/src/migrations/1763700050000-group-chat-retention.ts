import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups publish each group's chat retention period as a view, `group_chat_retention`, so the
 * chat's retention purge can join it in its batched DELETE without reading the `groups` table:
 * the view is the contract, the table stays the groups context's own.
 */
export class GroupChatRetention1763700050000 implements MigrationInterface {
  name = 'GroupChatRetention1763700050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW group_chat_retention AS SELECT id AS group_id, chat_retention_days FROM groups`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW group_chat_retention`);
  }
}
