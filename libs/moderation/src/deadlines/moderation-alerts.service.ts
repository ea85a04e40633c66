import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { ModerationAlert } from './moderation-alert.entity';
import { ModerationAlertsRepository } from './moderation-alerts.repository';

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
  constructor(private readonly alerts: ModerationAlertsRepository) {}

  async listFor(userId: string, page: PageQuery = {}): Promise<Page<ModerationAlertView>> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const rows = await this.alerts.page(userId, limit + 1, cursor);
    return toPage(
      rows,
      limit,
      (a) => ({ at: a.createdAt.toISOString(), id: a.id }),
      (a) => ({ id: a.id, kind: a.kind, groupId: a.groupId, subjectType: a.subjectType, subjectId: a.subjectId, createdAt: a.createdAt }),
    );
  }
}
