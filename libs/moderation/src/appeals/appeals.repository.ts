import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { Appeal } from './appeal.entity';

/** `appeals`: one per notice and person, linked to the review item that weighs it. */
@Injectable()
export class AppealsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The appeal's id, or null when this person already appealed this notice. */
  async insert(tx: Tx, noticeId: string, userId: string): Promise<string | null> {
    const inserted = await manager(tx).createQueryBuilder().insert().into(Appeal).values({ noticeId, userId }).orIgnore().returning(['id']).execute();
    return (inserted.raw as Array<{ id: string }>)[0]?.id ?? null;
  }

  async linkReviewItem(tx: Tx, appealId: string, reviewItemId: string): Promise<void> {
    await manager(tx).update(Appeal, { id: appealId }, { reviewItemId });
  }

  /** Who appealed through this review item. */
  async appellantIds(tx: Tx, reviewItemId: string): Promise<string[]> {
    const appeals = await manager(tx).find(Appeal, { where: { reviewItemId } });
    return [...new Set(appeals.map((a) => a.userId))];
  }

  /** The person's appeals with what they wrote (kept on the review item) and how the review stands. */
  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT a.id, a.notice_id AS "noticeId", r.appeal->>'text' AS text, r.status AS "reviewStatus", a.created_at AS "createdAt"
         FROM appeals a LEFT JOIN review_items r ON r.id = a.review_item_id WHERE a.user_id = $1 ORDER BY a.created_at`,
      [userId],
    );
  }

  /** An appeal's words live on its review item too: they are blanked there, the ids kept, and the appeals deleted. */
  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE review_items SET appeal = jsonb_set(appeal, '{text}', '""'::jsonb) WHERE id IN (SELECT review_item_id FROM appeals WHERE user_id = $1) AND appeal IS NOT NULL`,
      [userId],
    );
    await manager(tx).query(`DELETE FROM appeals WHERE user_id = $1`, [userId]);
  }
}
