import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { ModerationAlert } from './moderation-alert.entity';

export interface ModerationAlertView {
  id: string;
  kind: ModerationAlert['kind'];
  groupId: string;
  subjectType: ModerationAlert['subjectType'];
  subjectId: string;
  createdAt: Date;
}

/** GET /me/alerts: what the deadline job told this supporter or admin, newest first. */
@Injectable()
export class ModerationAlertsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listFor(userId: string, page: PageQuery = {}): Promise<Page<ModerationAlertView>> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const query = this.dataSource
      .getRepository(ModerationAlert)
      .createQueryBuilder('a')
      .where('a.user_id = :userId', { userId })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1);
    if (cursor) query.andWhere('(a.created_at, a.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: cursor.at, id: cursor.id });
    const rows = await query.getMany();
    return toPage(
      rows,
      limit,
      (a) => ({ at: a.createdAt.toISOString(), id: a.id }),
      (a) => ({ id: a.id, kind: a.kind, groupId: a.groupId, subjectType: a.subjectType, subjectId: a.subjectId, createdAt: a.createdAt }),
    );
  }
}
