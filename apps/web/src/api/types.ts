/** Shapes of the API's answers and requests as the screens use them. */
import type { components } from './schema';

/** A schema of the API's OpenAPI document, by name (generated: ./schema.d.ts). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export interface Person {
  id: string;
  displayName: string;
}
export interface Membership {
  groupId: string;
  role: 'member' | 'supporter';
  acceptedAgreementVersion: number | null;
  mutedUntil: string | null;
}
export interface Me {
  id: string;
  displayName: string;
  isAdmin: boolean;
  memberships: Membership[];
}
export interface Question {
  key: string;
  prompt: string;
  required: boolean;
  expected?: string;
}
export interface Eligibility {
  minAge?: number;
  maxAge?: number;
  questions: Question[];
}
export interface Coverage {
  days: number[];
  from: string;
  to: string;
}
export interface Moderation {
  mode: 'pre' | 'post' | 'first-posts';
  firstPostsHeld: number;
  reviewSlaMinutes: number;
  urgentSlaMinutes: number;
  reportsToHide: number;
  coverage: Coverage[];
  timezone: string;
  outOfCoverage: 'pre' | 'post' | 'readonly';
}
export interface Group {
  id: string;
  slug: string;
  name: string;
  description: string;
  condition: string;
  eligibility: Eligibility;
  moderation?: Moderation;
  slowModeSeconds?: number;
}
export interface Clause {
  key: string;
  title: string;
  text: string;
}
export interface Agreement {
  version: number;
  clauses: Clause[];
  publishedAt: string;
}
export interface Resource {
  id?: string;
  kind: 'crisis' | 'clinical' | 'peer' | 'information';
  title: string;
  description: string;
  phone?: string;
  sms?: string;
  url?: string;
  hours?: string;
}
export interface TopicSummary {
  id: string;
  title: string;
  author: Person | null;
  contentWarning: string | null;
  replyCount: number;
  lastActivityAt: string;
  createdAt: string;
}
export interface Topic {
  id: string;
  groupId: string;
  title: string;
  author: Person | null;
  contentWarning: string | null;
  createdAt: string;
}
export type PostStatus = 'screening' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';
export interface Post {
  id: string;
  topicId: string;
  groupId: string;
  author: Person | null;
  body: string;
  status: PostStatus;
  reactions: Record<string, number> | Array<{ kind: string; count: number; mine?: boolean }>;
  myReactions?: string[];
  createdAt: string;
  editedAt: string | null;
  reviewDueAt?: string | null;
  signposting?: Resource[];
  replyToPostId?: string | null;
}
export interface Notice {
  id: string;
  kind: 'removal' | 'rejection' | 'warning' | 'mute' | 'ban' | 'signposting' | 'application' | 'appeal';
  groupId: string | null;
  subjectId: string | null;
  clauseKey: string | null;
  message: string;
  resources?: Resource[];
  createdAt: string;
  appealable: boolean;
}
export interface ReviewItem {
  id: string;
  kind: 'post' | 'message' | 'report' | 'appeal';
  subject: {
    type: 'post' | 'message';
    id: string;
    body: string;
    author: Person | null;
    groupId: string;
    topicId?: string;
    status: string;
    appeal?: { noticeId: string; text: string; originalDecidedBy: string };
  };
  reasons: Array<{ source: string; detail: string; clauseKey?: string }>;
  priority: 'urgent' | 'normal';
  createdAt: string;
  dueAt: string;
  overdue: boolean;
  claimedBy: string | Person | null;
}
export interface Application {
  id: string;
  status: string;
  answers: Record<string, string>;
  dueAt: string;
  createdAt?: string;
  applicant?: Person;
  displayName?: string;
}
export interface ChatMessage {
  id: string;
  groupId: string;
  author: Person | null;
  body: string;
  createdAt: string;
  clientMsgId?: string;
}
