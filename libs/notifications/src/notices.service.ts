import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { Notice, NoticeKind } from './notice.entity';
import { NoticesRepository } from './notices.repository';

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
  /** When a mute ends; null otherwise. */
  until: Date | null;
  /** The recipient's own words the notice is about, when it is about words they wrote. */
  quote: string | null;
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
  until?: Date | null;
  quote?: string | null;
}

@Injectable()
export class NoticesService {
  /** Who each notice created here is for, so announce() needs no query in the usual case. */
  private readonly recipients = new WeakMap<NoticeView, string>();

  constructor(
    private readonly notices: NoticesRepository,
    private readonly events: EventBus,
  ) {}

  /**
   * Writes a notice. Inside a transaction the row joins it and the caller calls announce() after
   * commit, so nobody is told about a notice that was rolled back; without one it is written and
   * announced here.
   */
  async create(input: NewNotice, tx?: Tx): Promise<NoticeView> {
    const row = await this.notices.insert(
      {
        userId: input.userId,
        kind: input.kind,
        groupId: input.groupId,
        subjectId: input.subjectId ?? null,
        clauseKey: input.clauseKey ?? null,
        message: input.message,
        resources: input.resources && input.resources.length > 0 ? (input.resources as object[]) : null,
        appealable: input.appealable ?? false,
        until: input.until ?? null,
        quote: input.quote ?? null,
      },
      tx,
    );
    const view = toView(row);
    this.recipients.set(view, row.userId);
    if (!tx) await this.announce(view);
    return view;
  }

  /** One notice with its recipient, for the decisions taken on it (an appeal); null when there is none. */
  async find(id: string): Promise<(NoticeView & { userId: string }) | null> {
    const row = await this.notices.find(id);
    return row ? { ...toView(row), userId: row.userId } : null;
  }

  /** Tells the recipient's open sockets (through the chat service). */
  async announce(notice: NoticeView): Promise<void> {
    let userId = this.recipients.get(notice);
    if (!userId) {
      const row = await this.notices.find(notice.id);
      if (!row) return;
      userId = row.userId;
    }
    await this.events.publish('notice.created', { userId, notice: { ...notice, createdAt: notice.createdAt.toISOString(), until: notice.until?.toISOString() ?? null } });
  }

  /** Retention: notices older than `days` are deleted in batches; counts per group. */
  purgeOlderThan(days: number, batchSize = 1000): Promise<Map<string, number>> {
    return this.notices.purgeOlderThan(days, batchSize);
  }

  /** The person's notices, newest first. */
  async listFor(userId: string, page: PageQuery = {}): Promise<Page<NoticeView>> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const rows = await this.notices.page(userId, limit + 1, cursor);
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
    until: n.until ?? null,
    quote: n.quote ?? null,
  };
}
