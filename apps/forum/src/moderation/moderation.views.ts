import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEntryView as AuditEntry } from '@kindred/audit';
import type {
  AppealInfo,
  AppealReceipt,
  ClauseHistory,
  ModerationAlertView as ModerationAlert,
  ModerationMetrics,
  ReviewItemView as ReviewItem,
  ReportNote,
  ReviewReason,
  RuleView as Rule,
  SubjectView,
} from '@kindred/moderation';
import type { NoticeView as Notice } from '@kindred/notifications';
import { ResourceView } from '../groups/groups.views';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

const REASON_SOURCES = [
  'rule',
  'crisis',
  'personal-data',
  'medical-advice',
  'link',
  'first-posts',
  'out-of-coverage',
  'pre-moderation',
  'reports',
  'appeal',
  'escalation',
  'supporter',
] as const;

const SCREENED_FIELDS = ['body', 'title', 'contentWarning', 'note', 'appealText'] as const;

export class ReviewReasonView implements Wire<ReviewReason> {
  @ApiProperty({ enum: REASON_SOURCES })
  source: (typeof REASON_SOURCES)[number];

  @ApiProperty()
  detail: string;

  @ApiPropertyOptional()
  clauseKey?: string;

  @ApiPropertyOptional({
    enum: SCREENED_FIELDS,
    description: 'Which member-written field the reason was found in; absent on reasons not about words (report counts, moderation mode, escalation).',
  })
  field?: (typeof SCREENED_FIELDS)[number];
}

export class AppealInfoView implements Wire<AppealInfo> {
  @ApiProperty({ format: 'uuid' })
  noticeId: string;

  @ApiProperty()
  text: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Who made the appealed decision (null: screening). They may not decide the appeal.',
  })
  originalDecidedBy: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The review item whose decision is appealed; null when screening made it.',
  })
  originalReviewItemId?: string | null;
}

export class ReviewAuthorView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class ReportNoteView implements Wire<ReportNote> {
  @ApiProperty()
  clauseKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'As stored after screening: personal data masked.' })
  note: string | null;

  @ApiProperty({ type: ReviewAuthorView, nullable: true, description: 'Null once the reporter has erased their account.' })
  reporter: ReviewAuthorView | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ReviewSubjectView implements Wire<SubjectView> {
  @ApiProperty({ enum: ['post', 'message', 'conversation-message'] })
  type: 'post' | 'message' | 'conversation-message';

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  body: string;

  @ApiPropertyOptional({ description: "An opening post's topic title, screened with its body." })
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: "An opening post's topic content warning, screened with its body." })
  contentWarning?: string | null;

  @ApiProperty({ type: ReviewAuthorView, nullable: true })
  author: ReviewAuthorView | null;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Posts only.' })
  topicId?: string;

  @ApiProperty({ example: 'held' })
  status: string;

  @ApiPropertyOptional({ type: AppealInfoView, description: 'Appeal items only.' })
  appeal?: AppealInfoView;

  @ApiPropertyOptional({ type: [ReportNoteView], description: 'Report items only: every report of this content, oldest first.' })
  reports?: ReportNoteView[];
}

export class ClauseHistoryView implements Wire<ClauseHistory> {
  @ApiProperty()
  clauseKey: string;

  @ApiProperty({ type: 'integer', description: 'Removals citing this clause.' })
  count: number;

  @ApiProperty({ enum: ['warn', 'mute', 'ban'], nullable: true, description: 'The most severe sanction under this clause so far.' })
  lastSanction: 'warn' | 'mute' | 'ban' | null;
}

export class ReviewItemView implements Wire<ReviewItem> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['post', 'message', 'conversation-message', 'report', 'appeal'] })
  kind: 'post' | 'message' | 'conversation-message' | 'report' | 'appeal';

  @ApiProperty({ type: ReviewSubjectView, nullable: true, description: 'null when the content no longer exists.' })
  subject: ReviewSubjectView | null;

  @ApiProperty({ type: [ReviewReasonView] })
  reasons: ReviewReasonView[];

  @ApiProperty({ enum: ['urgent', 'normal'] })
  priority: 'urgent' | 'normal';

  @ApiProperty({ enum: ['supporters', 'admins'], description: 'Reports on what a supporter wrote go to the admins.' })
  audience: 'supporters' | 'admins';

  @ApiProperty({ enum: ['open', 'decided', 'superseded'] })
  status: 'open' | 'decided' | 'superseded';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty()
  overdue: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  claimedBy: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ enum: ['warn', 'mute', 'ban'], nullable: true, description: 'The next step of stepped enforcement for the author.' })
  suggestedSanction: 'warn' | 'mute' | 'ban' | null;

  @ApiProperty({ type: [ClauseHistoryView], description: 'The author’s removals and sanctions in this group, per clause.' })
  authorHistory: ClauseHistoryView[];

  @ApiProperty({
    enum: ['edited', 'deleted', 'erased'],
    nullable: true,
    description:
      'Set on an urgent item kept open after the author changed or deleted the words, or erased their account: `subject.body` then shows the words that raised it.',
  })
  subjectChange: 'edited' | 'deleted' | 'erased' | null;

  @ApiProperty({ description: 'Whether the caller may sanction the author through this item (only admins sanction supporters and admins).' })
  sanctionsAllowed: boolean;
}

export class ReviewItemListView {
  @ApiProperty({ type: [ReviewItemView], description: 'Urgent first, then by `dueAt`.' })
  items: ReviewItemView[];
}

export class AppealReceiptView implements Wire<AppealReceipt> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  noticeId: string;

  @ApiProperty({ format: 'uuid' })
  reviewItemId: string;

  @ApiProperty({ enum: ['open'] })
  status: 'open';
}

export class RuleView implements Wire<Rule> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  pattern: string;

  @ApiProperty({ enum: ['word', 'phrase', 'regex'] })
  match: 'word' | 'phrase' | 'regex';

  @ApiProperty({ enum: ['block', 'hold', 'flag', 'mask'] })
  action: 'block' | 'hold' | 'flag' | 'mask';

  @ApiProperty({ type: String, nullable: true })
  clauseKey: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class RuleListView {
  @ApiProperty({ type: [RuleView] })
  items: RuleView[];
}

export class DecisionTimesView {
  @ApiProperty({ type: 'number', nullable: true })
  p50: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  p95: number | null;
}

export class ModerationMetricsView implements Wire<ModerationMetrics> {
  @ApiProperty({ type: 'integer' })
  open: number;

  @ApiProperty({ type: 'integer' })
  overdue: number;

  @ApiProperty({ type: 'integer' })
  urgentOpen: number;

  @ApiProperty({ type: 'integer' })
  decidedLast24h: number;

  @ApiProperty({ type: DecisionTimesView, description: 'Over items decided in the last 7 days; null when there were none.' })
  timeToDecisionSeconds: DecisionTimesView;

  @ApiProperty({ type: 'integer' })
  slaBreachesLast7d: number;

  @ApiProperty({ description: 'Whether someone is on cover now, in the group’s time zone.' })
  coveredNow: boolean;
}

export class AuditEntryView implements Wire<AuditEntry> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system acted.' })
  actor: string | null;

  @ApiProperty({ example: 'review.decided' })
  action: string;

  @ApiProperty()
  subjectType: string;

  @ApiProperty()
  subjectId: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  detail: Record<string, unknown>;
}

export class ModerationAlertView implements Wire<ModerationAlert> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['overdue', 'escalated'] })
  kind: 'overdue' | 'escalated';

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ enum: ['review-item', 'application'] })
  subjectType: 'review-item' | 'application';

  @ApiProperty({ format: 'uuid' })
  subjectId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class NoticeView implements Wire<Notice> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: [
      'removal',
      'rejection',
      'warning',
      'mute',
      'ban',
      'signposting',
      'application',
      'appeal',
      'mentoring',
      'check-in',
      'questionnaire',
      'report-outcome',
    ],
  })
  kind:
    | 'removal'
    | 'rejection'
    | 'warning'
    | 'mute'
    | 'ban'
    | 'signposting'
    | 'application'
    | 'appeal'
    | 'mentoring'
    | 'check-in'
    | 'questionnaire'
    | 'report-outcome';

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  groupId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  subjectId: string | null;

  @ApiProperty({ type: String, nullable: true })
  clauseKey: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The cited clause’s title in the group’s current agreement, to show instead of its key.' })
  clauseTitle: string | null;

  @ApiProperty()
  message: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the mute the notice tells of ends.' })
  until: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The recipient’s own words the notice is about (removed or not published).' })
  quote: string | null;

  @ApiPropertyOptional({ type: [ResourceView], description: 'Support resources, with a signposting notice.' })
  resources?: ResourceView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ description: 'Whether `POST /notices/:noticeId/appeal` may be used.' })
  appealable: boolean;
}
