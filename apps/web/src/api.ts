/** The REST API (same origin as the page), as ../shared/API.md describes it. */

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  version?: number;
  until?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** An error answer from the API, carrying the problem+json body and a plain-language message. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(plainMessage(problem));
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

function plainMessage(problem: Problem): string {
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      return problem.detail ?? 'Please sign in again.';
    case 'AGREEMENT_REQUIRED':
      return 'The group agreement has changed. Please read it and accept it to carry on.';
    case 'MUTED':
      return `You are muted in this group${problem.until ? ` until ${formatDateTime(problem.until)}` : ''}.`;
    case 'RATE_LIMITED':
      return 'You are doing that too quickly. Please wait a moment and try again.';
    case 'VALIDATION_FAILED':
      return problem.errors?.length ? problem.errors.map((e) => e.message).join(' ') : (problem.detail ?? 'Please check what you entered.');
  }
  if (problem.status === 0) return 'We could not reach Kindred. Check your connection and try again.';
  return problem.detail ?? problem.title ?? 'Something went wrong. Please try again.';
}

const TOKEN_KEY = 'kindred.token';
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string | null) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY)),
};

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();
/** Lets the app react to a session that ended elsewhere (401) in one place. */
export function onApiError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError({ status: 0 });
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!response.ok) {
    const problem: Problem = { status: response.status, ...(typeof data === 'object' && data ? (data as object) : {}) };
    if (!problem.code && response.status === 404) problem.code = 'NOT_FOUND';
    const error = new ApiError(problem);
    listeners.forEach((listener) => listener(error));
    throw error;
  }
  return data as T;
}

/** Lists come as `{ items, nextCursor }`; tolerate a bare array too. */
export function items<T>(page: unknown): T[] {
  if (Array.isArray(page)) return page as T[];
  if (page && typeof page === 'object' && Array.isArray((page as { items?: unknown }).items)) return (page as { items: T[] }).items;
  return [];
}

/** True when an endpoint is not there yet (another part of Kindred still being built). */
export const isMissing = (error: unknown) => error instanceof ApiError && error.status === 404;

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// ---- shapes used by the screens ----

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
  /** False when the caller may not sanction the author (only admins sanction supporters and admins). */
  sanctionsAllowed?: boolean;
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
