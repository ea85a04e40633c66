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
  | 'escalation';

export interface ReviewReason {
  source: ReviewReasonSource;
  detail: string;
  clauseKey?: string;
}

export type SubjectType = 'post' | 'message';

/** What a reviewer sees of the content an item is about. */
export interface SubjectView {
  type: SubjectType;
  id: string;
  body: string;
  author: { id: string; displayName: string } | null;
  groupId: string;
  topicId?: string;
  status: string;
}
