import type { SanctionKind } from './stepped-enforcement';

export type ReviewReasonSource =
  | 'rule'
  | 'crisis'
  | 'personal-data'
  | 'medical-advice'
  | 'link'
  | 'first-posts'
  | 'out-of-coverage'
  | 'pre-moderation'
  | 'reports'
  | 'appeal'
  | 'escalation'
  | 'author'
  | 'supporter';

/**
 * Which member-written field a reason was found in: a post's or message's `body`, an opening post's
 * topic `title` or `contentWarning`, a report's `note` or an appeal's `appealText`. Absent on reasons
 * that are not about words (reports counted, moderation mode, escalation).
 */
export type ScreenedField = 'body' | 'title' | 'contentWarning' | 'note' | 'appealText';

export interface ReviewReason {
  source: ReviewReasonSource;
  detail: string;
  clauseKey?: string;
  field?: ScreenedField;
}

export type SubjectType = 'post' | 'message' | 'conversation-message';

/** What happened to the words of a kept urgent item after they raised it. */
export type SubjectChange = 'edited' | 'deleted' | 'erased';

/** What a reviewer sees of the content an item is about. */
export interface SubjectView {
  type: SubjectType;
  id: string;
  body: string;
  /** An opening post's topic title and content warning: screened with its body, so the reviewer reads them too. */
  title?: string;
  contentWarning?: string | null;
  author: { id: string; displayName: string } | null;
  groupId: string;
  topicId?: string;
  status: string;
  /** Only on an appeal item. */
  appeal?: AppealInfo;
  /** Only on a report item: every report of this content, oldest first, with its note as stored (screened, personal data masked). */
  reports?: ReportNote[];
}

/** One member's report as the reviewer reads it. */
export interface ReportNote {
  clauseKey: string;
  note: string | null;
  /** Null once the reporter's account is erased. */
  reporter: { id: string; displayName: string } | null;
  createdAt: Date;
}

/** What an appeal item carries besides the content (API.md: `subject.appeal`). */
export interface AppealInfo {
  noticeId: string;
  text: string;
  /** Who made the decision being appealed; null when screening made it. They may not decide the appeal. */
  originalDecidedBy: string | null;
  /**
   * The review item whose decision is appealed; null when screening made it. Absent on appeals
   * opened before it was recorded.
   */
  originalReviewItemId?: string | null;
}

/** What a decided review item records of its decision (`review_items.decision`). */
export interface DecisionRecord {
  action: 'approve' | 'remove';
  clauseKey: string | null;
  note: string | null;
  sanction: { kind: SanctionKind; hours: number | null; until: string | null } | null;
}
