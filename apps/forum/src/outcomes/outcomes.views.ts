import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  ActivityRow,
  AttachmentView,
  CommentView,
  CommissionerGrant,
  FeedbackView,
  ImpactReport,
  MeasureView,
  MembersRow,
  ModerationRow,
  OutcomeMeans,
  OutcomeSummary,
  OutcomeWave,
  ProposalView,
  Question,
  QuestionnaireView,
  RelationshipsRow,
  Scale,
} from '@kindred/outcomes';
import type { Wire } from '../openapi/wire';
import { ClauseView } from '../groups/groups.views';

const CELL = { type: 'number', nullable: true, description: 'Null when withheld: it rests on fewer than 10 people.' } as const;

export class ScaleView implements Wire<Scale> {
  @ApiProperty({ type: 'integer', example: 0 })
  min: number;

  @ApiProperty({ type: 'integer', example: 10 })
  max: number;

  @ApiProperty({ example: 'Not at all confident' })
  minLabel: string;

  @ApiProperty({ example: 'Completely confident' })
  maxLabel: string;
}

export class QuestionView implements Wire<Question> {
  @ApiProperty({ example: 'confidence', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' })
  key: string;

  @ApiProperty({ example: 'How confident do you feel about managing your condition from day to day?' })
  text: string;

  @ApiProperty({ type: ScaleView })
  scale: ScaleView;
}

export class MeasureResponse implements Wire<MeasureView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: [QuestionView] })
  questions: QuestionView[];

  @ApiProperty({ description: 'Kindred’s own measure, shipped with it.' })
  builtIn: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AttachmentResponse implements Wire<AttachmentView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  measureId: string;

  @ApiProperty()
  measureTitle: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A mentoring programme in the group, when the measure is asked of its mentees only.',
  })
  programmeId: string | null;

  @ApiProperty({ type: [Number], example: [3, 6] })
  intervalsMonths: number[];

  @ApiProperty({ format: 'date-time' })
  attachedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;
}

export class QuestionnaireResponse implements Wire<QuestionnaireView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ format: 'uuid' })
  measureId: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: [QuestionView] })
  questions: QuestionView[];

  @ApiProperty({ type: 'integer', description: '0 for the baseline; otherwise months after it.' })
  wave: number;

  @ApiProperty({ format: 'date-time' })
  sentAt: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true })
  answers: Record<string, number> | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  answeredAt: string | null;
}

export class CommissionerGrantResponse implements Wire<CommissionerGrant> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null: every group.' })
  groupId: string | null;

  @ApiProperty({ format: 'date-time' })
  grantedAt: string;
}

export class MembersRowView implements Wire<MembersRow> {
  @ApiProperty({ example: '2026-11' })
  month: string;

  @ApiProperty({ ...CELL, description: 'Members at the end of the month. ' + CELL.description })
  members: number | null;

  @ApiProperty({ ...CELL, description: 'Members who joined in the month. ' + CELL.description })
  joined: number | null;
}

export class ActivityRowView implements Wire<ActivityRow> {
  @ApiProperty({ example: '2026-11' })
  month: string;

  @ApiProperty({ ...CELL, description: 'Posts published, withheld when written by fewer than 10 people.' })
  posts: number | null;

  @ApiProperty(CELL)
  postAuthors: number | null;

  @ApiProperty({ ...CELL, description: 'Chat messages published, withheld when sent by fewer than 10 people.' })
  messages: number | null;

  @ApiProperty(CELL)
  messageAuthors: number | null;
}

export class ModerationRowView implements Wire<ModerationRow> {
  @ApiProperty({ example: '2026-11' })
  month: string;

  @ApiProperty({ ...CELL, description: 'Review decisions made in the month; with fewer than 10, every figure of the month is withheld.' })
  decisions: number | null;

  @ApiProperty(CELL)
  medianMinutesToDecision: number | null;

  @ApiProperty({ ...CELL, description: 'Decisions made after the item’s deadline (SLA breaches).' })
  breaches: number | null;

  @ApiProperty(CELL)
  urgentDecisions: number | null;

  @ApiProperty(CELL)
  urgentBreaches: number | null;
}

export class OutcomeMeansView implements Wire<OutcomeMeans> {
  @ApiProperty()
  key: string;

  @ApiProperty()
  text: string;

  @ApiProperty({ type: 'integer' })
  min: number;

  @ApiProperty({ type: 'integer' })
  max: number;

  @ApiProperty({ ...CELL, description: 'Mean at baseline of the people who answered both.' })
  baseline: number | null;

  @ApiProperty({ ...CELL, description: 'Mean at this follow-up of the same people.' })
  followUp: number | null;
}

export class OutcomeWaveView implements Wire<OutcomeWave> {
  @ApiProperty({ type: 'integer', description: 'Months after the baseline.' })
  wave: number;

  @ApiProperty({ ...CELL, description: 'People who answered both the baseline and this follow-up.' })
  answeredBoth: number | null;

  @ApiProperty({ type: [OutcomeMeansView] })
  means: OutcomeMeansView[];
}

export class OutcomeSummaryView implements Wire<OutcomeSummary> {
  @ApiProperty({ format: 'uuid' })
  measureId: string;

  @ApiProperty()
  title: string;

  @ApiProperty(CELL)
  baselineAnswered: number | null;

  @ApiProperty({ type: [OutcomeWaveView] })
  waves: OutcomeWaveView[];
}

export class RelationshipsRowView implements Wire<RelationshipsRow> {
  @ApiProperty()
  month: string;

  @ApiProperty(CELL)
  active: number | null;

  @ApiProperty(CELL)
  started: number | null;
}

export class ImpactReportView implements Wire<ImpactReport> {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null: every group.' })
  groupId: string | null;

  @ApiProperty({ example: '2026-01' })
  from: string;

  @ApiProperty({ example: '2026-12' })
  to: string;

  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ type: 'integer', example: 10, description: 'Every cell resting on fewer people than this is null.' })
  minimumCell: number;

  @ApiProperty({ type: [MembersRowView] })
  members: MembersRowView[];

  @ApiProperty({ type: [ActivityRowView] })
  activity: ActivityRowView[];

  @ApiProperty({ type: [ModerationRowView] })
  moderation: ModerationRowView[];

  @ApiProperty({ type: [OutcomeSummaryView] })
  outcomes: OutcomeSummaryView[];

  @ApiProperty({ type: [RelationshipsRowView], nullable: true, description: 'Mentoring relationships per month; null where they are not counted yet.' })
  relationships: RelationshipsRowView[] | null;
}

export class ImpactScopeGroupView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class ImpactAccessView {
  @ApiProperty({ description: 'May read every group and the platform as a whole.' })
  platform: boolean;

  @ApiProperty({ type: [ImpactScopeGroupView], description: 'The groups the caller may choose (every group for platform access).' })
  groups: ImpactScopeGroupView[];
}

export class VoiceAuthorView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class FeedbackReceiptView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class FeedbackResponse implements Wire<FeedbackView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: VoiceAuthorView, description: 'Admins only: supporters read feedback without names.' })
  author?: VoiceAuthorView;
}

export class CommentResponse implements Wire<CommentView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: VoiceAuthorView })
  author?: VoiceAuthorView;
}

export class ProposalResponse implements Wire<ProposalView> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: [ClauseView] })
  clauses: ClauseView[];

  @ApiProperty()
  summary: string;

  @ApiProperty({ enum: ['open', 'published', 'withdrawn'] })
  status: 'open' | 'published' | 'withdrawn';

  @ApiProperty({ type: 'integer', nullable: true })
  publishedVersion: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt: string | null;

  @ApiProperty({ type: [CommentResponse], description: 'Admins: every comment, with names. Members: their own.' })
  comments: CommentResponse[];
}
