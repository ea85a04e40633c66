import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { SubjectType, SubjectView } from '../review/review.types';

/**
 * Member-written fields screened together with the body, as one subject: an opening post carries its
 * topic's title and content warning. A verdict on any of them is a verdict on the whole subject.
 */
export interface SubjectFields {
  title?: string;
  contentWarning?: string;
}

/** A piece of content as the screening pipeline sees it. */
export interface ScreeningSubject {
  type: SubjectType;
  id: string;
  groupId: string;
  authorId: string | null;
  body: string;
  /** The subject's other screened fields, when it has any. */
  fields?: SubjectFields;
  revision: number;
  status: string;
}

/**
 * A subject as a source's SQL reads it: `SELECT id, group_id, author_id, body, revision, status`,
 * plus `title` and `content_warning` for a subject that has them (null otherwise).
 */
export interface SubjectRow {
  id: string;
  group_id: string;
  author_id: string | null;
  body: string;
  revision: number;
  status: string;
  title?: string | null;
  content_warning?: string | null;
}

export function subjectFromRow(type: SubjectType, row: SubjectRow): ScreeningSubject {
  const subject: ScreeningSubject = {
    type,
    id: row.id,
    groupId: row.group_id,
    authorId: row.author_id,
    body: row.body,
    revision: Number(row.revision),
    status: row.status,
  };
  const fields: SubjectFields = {};
  if (typeof row.title === 'string') fields.title = row.title;
  if (typeof row.content_warning === 'string' && row.content_warning !== '') fields.contentWarning = row.content_warning;
  if (fields.title !== undefined || fields.contentWarning !== undefined) subject.fields = fields;
  return subject;
}

export interface VerdictToApply {
  status: 'published' | 'held' | 'rejected';
  body: string;
  /** Other fields whose stored text the verdict changes (masked in place); absent when none changed. */
  fields?: SubjectFields;
  signposting: Array<Record<string, unknown>> | null;
}

/** A verdict applied in a transaction, as `ScreeningSource.followVerdicts` is told of it. */
export interface AppliedVerdict {
  /** As the source read it (lockForVerdict) or returned it (publishMany). */
  subject: ScreeningSubject;
  verdict: VerdictToApply;
}

/** A plain verdict to publish in a batch: the words to publish (a mask may have changed them), with the subject as `peek` read it. */
export interface PlainPublication {
  id: string;
  revision: number;
  body: string;
  subject: ScreeningSubject;
}

/** What to do once the transaction has committed. */
export type AfterCommit = () => Promise<void>;

/**
 * What screening needs of the context that owns a kind of content (forum posts, chat messages):
 * read a subject, apply a verdict to it, and find what is stuck. Each owner registers one (with
 * `ReviewedContent`, as a `ContentSource`) and moderation never names its tables. A change takes
 * the caller's transaction as an opaque `Tx`, which only the owner's repository opens.
 */
export interface ScreeningSource {
  readonly type: SubjectType;
  /** Reads the row under FOR UPDATE in the verdict transaction. */
  lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null>;
  applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void>;
  /**
   * Optional, for speed: reads several items in one statement, without locks, so their verdicts
   * can be worked out before any transaction opens. Items not found are simply absent.
   */
  peek?(ids: string[]): Promise<ScreeningSubject[]>;
  /**
   * Optional, for speed: publishes, in a few statements of the caller's transaction, every given
   * item that is still in `screening` at the given revision (with the given body: a mask may have
   * changed it), exactly as `applyVerdict` would publish it one by one. Returns the items it
   * published; the others changed meanwhile and are left alone.
   */
  publishMany?(tx: Tx, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]>;
  /**
   * Optional, for speed: publishes a batch of first revisions (none of which can have an open
   * review item) as `publishMany` would, together with what they owe others (what
   * `followVerdicts` would write), in one statement, atomic on its own, with no BEGIN or COMMIT.
   * Each item comes with the subject as `peek` read it. Returns the items published and what to do
   * once that statement committed, or null, having written nothing, when what the batch owes does
   * not fit in one statement: the batch is then published in a transaction.
   */
  publishAlone?(items: PlainPublication[]): Promise<{ published: ScreeningSubject[]; afterCommit: AfterCommit } | null>;
  /**
   * Optional: in the verdict's transaction, once its verdicts are applied (one, or a batch of
   * publications), writes what they owe others, so it commits with them and a crash just after the
   * commit cannot lose it (a published post's reply and mention notifications, for example).
   * Returns what to do once the transaction has committed (hand those rows on, tell open screens).
   * A source that has it is never published without a transaction.
   */
  followVerdicts?(tx: Tx, applied: AppliedVerdict[]): Promise<AfterCommit>;
  /** After the verdict committed: tell whoever needs telling (for example, deliver a chat message). */
  afterVerdict?(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Array<{ source: string; detail: string; clauseKey?: string }>): Promise<void>;
  /** Items the author has had published in the group, for first-posts trust, counted up to `atMost` only. */
  publishedCount(authorId: string, groupId: string, atMost: number): Promise<number>;
  /** Items still in `screening` after `olderThanSeconds`, for the sweeper. */
  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>>;
}

/** What reports, appeals and moderators' decisions need of a content owner. */
export interface ReviewedContent {
  readonly type: SubjectType;
  /** Reads the row under FOR UPDATE: the first lock of every change to content and its review items. */
  lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null>;
  /** Reviewer's view of subjects, by id. */
  describe(ids: string[]): Promise<Map<string, SubjectView>>;
  /** Hides a published item pending review (reports threshold). */
  hide(tx: Tx, id: string): Promise<void>;
  /** Moderator decisions on the content itself. */
  setStatus(tx: Tx, id: string, status: 'published' | 'removed'): Promise<void>;
  /** After a moderator's decision committed (for example, tell every open chat screen a message was removed). */
  afterStatusChange?(id: string, groupId: string, status: 'published' | 'removed'): Promise<void>;
}

/** What a content owner registers: one object serving screening and review. */
export type ContentSource = ScreeningSource & ReviewedContent;

/** The registered content owners, by type: screening asks for a `ScreeningSource`, review for `ReviewedContent`. */
@Injectable()
export class ScreeningSources {
  private readonly sources = new Map<SubjectType, ContentSource>();

  register(source: ContentSource): void {
    this.sources.set(source.type, source);
  }

  /** For screening. */
  get(type: SubjectType): ScreeningSource {
    return this.source(type);
  }

  /** For reports, appeals and decisions. */
  reviewed(type: SubjectType): ReviewedContent {
    return this.source(type);
  }

  all(): ScreeningSource[] {
    return [...this.sources.values()];
  }

  /** Every type registered, for a lookup that does not know the type of an id. */
  allReviewed(): ReviewedContent[] {
    return [...this.sources.values()];
  }

  private source(type: SubjectType): ContentSource {
    const source = this.sources.get(type);
    if (!source) throw new Error(`No content source registered for ${type}`);
    return source;
  }
}
