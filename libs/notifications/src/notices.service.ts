import { Injectable, Optional } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { Notice, NoticeKind } from './notice.entity';
import { NoticesRepository } from './notices.repository';
import type { NotificationKind } from './notification-kinds';
import { NotificationsService } from './notifications.service';

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

/**
 * Each notice is also a notification of this kind, so it reaches the person by push and mail per
 * their preferences; the notice stays what the app shows (with its clause and resources).
 */
const NOTIFIED_AS: Record<NoticeKind, NotificationKind> = {
  removal: 'moderation',
  rejection: 'moderation',
  appeal: 'moderation',
  warning: 'sanction',
  mute: 'sanction',
  ban: 'sanction',
  application: 'application',
  // The crisis author: a push follows the signposting already on screen (never their words).
  signposting: 'signposting',
  // One-to-one support: a mentoring relationship's news, and a supporter's private check-in.
  mentoring: 'mentoring',
  'check-in': 'mentoring',
  // An outcome questionnaire belongs with the service's support programmes.
  questionnaire: 'mentoring',
  // The member who reported something hears what became of it.
  'report-outcome': 'report-outcome',
};

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
  /** The notification's outbox row of each notice written in a transaction, dispatched on announce(). */
  private readonly outboxRows = new WeakMap<NoticeView, string>();

  constructor(
    private readonly notices: NoticesRepository,
    private readonly events: EventBus,
    @Optional() private readonly notifications?: NotificationsService,
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
    const outboxId = await this.notifications?.notify(
      {
        eventId: `notice:${row.id}`,
        kind: NOTIFIED_AS[row.kind],
        recipients: [row.userId],
        groupId: row.groupId,
        subjectId: row.subjectId,
        // In the app only: the notice itself says what happened and cites the clause.
        title: NOTICE_TITLES[row.kind],
        path: row.kind === 'signposting' ? '/help' : '/notices',
        ignoreQuietHours: row.kind === 'signposting',
      },
      tx,
    );
    if (outboxId && tx) this.outboxRows.set(view, outboxId);
    if (!tx) await this.announce(view);
    return view;
  }

  /** One notice with its recipient, for the decisions taken on it (an appeal); null when there is none. */
  async find(id: string): Promise<(NoticeView & { userId: string }) | null> {
    const row = await this.notices.find(id);
    return row ? { ...toView(row), userId: row.userId } : null;
  }

  /** Tells the recipient's open sockets (through the chat service), and queues its push and mail. */
  async announce(notice: NoticeView): Promise<void> {
    const outboxId = this.outboxRows.get(notice);
    if (outboxId) {
      this.outboxRows.delete(notice);
      await this.notifications?.dispatch([outboxId]);
    }
    let userId = this.recipients.get(notice);
    if (!userId) {
      const row = await this.notices.find(notice.id);
      if (!row) return;
      userId = row.userId;
    }
    await this.events.publish('notice.created', {
      userId,
      notice: { ...notice, createdAt: notice.createdAt.toISOString(), until: notice.until?.toISOString() ?? null },
    });
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

const NOTICE_TITLES: Record<NoticeKind, string> = {
  removal: 'Something you posted was removed',
  rejection: 'Something you wrote was not published',
  appeal: 'Your appeal was decided',
  warning: 'You have a warning',
  mute: 'You are muted for a while',
  ban: 'You can no longer take part in a group',
  application: 'Your application was decided',
  signposting: 'Support is there if you need it now',
  mentoring: 'News about your mentoring',
  'check-in': 'A supporter would like to check in with you',
  questionnaire: 'Some questions about how you are getting on',
  'report-outcome': 'A supporter looked at something you reported',
};

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
