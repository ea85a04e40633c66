import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { deleteInBatches } from '@kindred/database';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '@kindred/events';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { Notice, NoticeKind } from './notice.entity';

/** A notice as its recipient sees it (API.md, `GET /me/notices`). */
export interface NoticeView {
  id: string;
  kind: NoticeKind;
  groupId: string | null;
  subjectId: string | null;
  clauseKey: string | null;
  message: string;
  resources?: unknown[];
  createdAt: Date;
  appealable: boolean;
}

export interface NewNotice {
  userId: string;
  kind: NoticeKind;
  groupId: string | null;
  subjectId?: string | null;
  clauseKey?: string | null;
  message: string;
  resources?: unknown[] | null;
  appealable?: boolean;
}

@Injectable()
export class NoticesService {
  /** Who each notice created here is for, so announce() needs no query in the usual case. */
  private readonly recipients = new WeakMap<NoticeView, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventBus,
  ) {}

  /**
   * Writes a notice. With a manager the row joins the caller's transaction and the caller calls
   * announce() after commit, so nobody is told about a notice that was rolled back; without one it
   * is written and announced here.
   */
  async create(input: NewNotice, manager?: EntityManager): Promise<NoticeView> {
    const row = (manager ?? this.dataSource.manager).create(Notice, {
      userId: input.userId,
      kind: input.kind,
      groupId: input.groupId,
      subjectId: input.subjectId ?? null,
      clauseKey: input.clauseKey ?? null,
      message: input.message,
      resources: input.resources && input.resources.length > 0 ? (input.resources as object[]) : null,
      appealable: input.appealable ?? false,
    });
    await (manager ?? this.dataSource.manager).insert(Notice, row);
    const view = toView(row);
    this.recipients.set(view, row.userId);
    if (!manager) await this.announce(view);
    return view;
  }

  /** Tells the recipient's open sockets (through the chat service). */
  async announce(notice: NoticeView): Promise<void> {
    let userId = this.recipients.get(notice);
    if (!userId) {
      const row = await this.dataSource.getRepository(Notice).findOne({ where: { id: notice.id }, select: { id: true, userId: true } });
      if (!row) return;
      userId = row.userId;
    }
    await this.events.publish('notice.created', { userId, notice: { ...notice, createdAt: notice.createdAt.toISOString() } });
  }

  /** The person's notices, newest first. */
  /** Retention: notices older than `days` are deleted in batches; counts per group. */
  purgeOlderThan(days: number, batchSize = 1000): Promise<Map<string, number>> {
    return deleteInBatches(
      this.dataSource,
      `DELETE FROM notices WHERE id IN (SELECT id FROM notices WHERE created_at < now() - make_interval(days => $2) LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING group_id`,
      [days],
      batchSize,
    );
  }

  async listFor(userId: string, page: PageQuery = {}): Promise<Page<NoticeView>> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const query = this.dataSource
      .getRepository(Notice)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId })
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(limit + 1);
    if (cursor) query.andWhere('(n.created_at, n.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: cursor.at, id: cursor.id });
    const rows = await query.getMany();
    return toPage(rows, limit, (n) => ({ at: n.createdAt.toISOString(), id: n.id }), toView);
  }
}

function toView(n: Notice): NoticeView {
  return {
    id: n.id,
    kind: n.kind,
    groupId: n.groupId,
    subjectId: n.subjectId,
    clauseKey: n.clauseKey,
    message: n.message,
    ...(n.resources ? { resources: n.resources } : {}),
    createdAt: n.createdAt,
    appealable: n.appealable,
  };
}
