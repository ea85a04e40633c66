import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  ConversationMessageView as ConversationMessage,
  ConversationParticipantView as ConversationParticipant,
  ConversationView as Conversation,
} from '@kindred/conversations';
import type {
  CheckInView as CheckIn,
  GoalReview as GoalReviewT,
  GoalView as Goal,
  MatchingQuestion as MatchingQuestionT,
  MatchSuggestion as Suggestion,
  MentoringRequestView as MentoringRequest,
  MentorView as Mentor,
  PersonRef as Person,
  ProgrammeView as Programme,
  RelationshipView as Relationship,
  SessionNoteView as SessionNote,
  TrainingRecord as Training,
} from '@kindred/mentoring';
import { AuthorView } from '../forum/forum.views';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

export class PersonRefView implements Wire<Person> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class MatchingQuestionView implements Wire<MatchingQuestionT> {
  @ApiProperty()
  key: string;

  @ApiProperty()
  label: string;

  @ApiProperty({ type: [String] })
  options: string[];

  @ApiPropertyOptional()
  mentorKey?: string;

  @ApiPropertyOptional()
  anyOption?: string;
}

export class ProgrammeView implements Wire<Programme> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer' })
  menteesPerMentor: number;

  @ApiProperty({ type: 'integer' })
  relationshipWeeks: number;

  @ApiProperty({ type: 'integer' })
  checkInEveryDays: number;

  @ApiProperty({ type: [MatchingQuestionView] })
  matchingQuestions: MatchingQuestionView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class TrainingView implements Wire<Training> {
  @ApiProperty({ type: [String] })
  modules: string[];

  @ApiProperty({ format: 'date' })
  completedOn: string;

  @ApiProperty()
  trainer: string;

  @ApiProperty({ format: 'date' })
  renewBy: string;
}

export class MentorView implements Wire<Mentor> {
  @ApiProperty({ type: PersonRefView })
  mentor: PersonRefView;

  @ApiProperty({ enum: ['approved', 'withdrawn'] })
  status: 'approved' | 'withdrawn';

  @ApiProperty({ type: TrainingView })
  training: TrainingView;

  @ApiProperty({ description: 'False once the renewal date has passed: no new mentees until renewed.' })
  trainingCurrent: boolean;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  answers: Record<string, string>;

  @ApiProperty({ type: 'integer' })
  capacity: number;

  @ApiProperty({ type: 'integer', description: 'Relationships proposed or running.' })
  load: number;

  @ApiProperty({ type: 'integer' })
  overdueCheckIns: number;
}

export class MentoringRequestView implements Wire<MentoringRequest> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: PersonRefView })
  mentee: PersonRefView;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  answers: Record<string, string>;

  @ApiProperty({ enum: ['open', 'matched', 'withdrawn'] })
  status: 'open' | 'matched' | 'withdrawn';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class MatchSuggestionView implements Wire<Suggestion> {
  @ApiProperty({ type: PersonRefView })
  mentor: PersonRefView;

  @ApiProperty({ type: 'integer' })
  score: number;

  @ApiProperty({ type: [String] })
  matchedOn: string[];

  @ApiProperty({ type: 'integer' })
  spareCapacity: number;
}

export class RelationshipView implements Wire<Relationship> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ format: 'uuid' })
  programmeId: string;

  @ApiProperty({ type: PersonRefView, nullable: true })
  mentor: PersonRefView | null;

  @ApiProperty({ type: PersonRefView, nullable: true })
  mentee: PersonRefView | null;

  @ApiProperty({ enum: ['proposed', 'active', 'ended'] })
  status: 'proposed' | 'active' | 'ended';

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  mentorAgreedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  menteeAgreedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endsAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  conversationId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextCheckInDue: string | null;

  @ApiProperty()
  overdue: boolean;

  @ApiProperty({ type: String, enum: ['mentor', 'mentee'], nullable: true })
  myRole: 'mentor' | 'mentee' | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Coordinators only.' })
  endReason?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Coordinators only.' })
  endedBy?: string | null;
}

export class MyMentoringView implements Wire<{ requests: MentoringRequest[]; relationships: Relationship[] }> {
  @ApiProperty({ type: [MentoringRequestView] })
  requests: MentoringRequestView[];

  @ApiProperty({ type: [RelationshipView] })
  relationships: RelationshipView[];
}

export class GoalReviewView implements Wire<GoalReviewT> {
  @ApiProperty({ format: 'uuid' })
  checkInId: string;

  @ApiProperty({ format: 'date-time' })
  heldAt: string;

  @ApiProperty({ type: 'integer' })
  confidence: number;

  @ApiProperty({ enum: ['open', 'done', 'dropped'] })
  status: 'open' | 'done' | 'dropped';
}

export class GoalView implements Wire<Goal> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  relationshipId: string;

  @ApiProperty()
  what: string;

  @ApiProperty({ format: 'date' })
  byWhen: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10 })
  confidence: number;

  @ApiProperty({ enum: ['open', 'done', 'dropped'] })
  status: 'open' | 'done' | 'dropped';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: [GoalReviewView] })
  reviews: GoalReviewView[];
}

export class CheckInReviewView {
  @ApiProperty({ format: 'uuid' })
  goalId: string;

  @ApiProperty({ type: 'integer' })
  confidence: number;

  @ApiProperty({ enum: ['open', 'done', 'dropped'] })
  status: 'open' | 'done' | 'dropped';
}

export class CheckInView implements Wire<CheckIn> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  relationshipId: string;

  @ApiProperty({ format: 'date-time' })
  heldAt: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  recordedBy: string | null;

  @ApiProperty({ type: [CheckInReviewView] })
  reviews: CheckInReviewView[];

  @ApiProperty({ format: 'date-time' })
  nextCheckInDue: string;
}

export class SessionNoteView implements Wire<SessionNote> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  relationshipId: string;

  @ApiProperty({ type: PersonRefView, nullable: true })
  mentor: PersonRefView | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  menteeId: string | null;

  @ApiProperty()
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class ConversationParticipantView implements Wire<ConversationParticipant> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: ['member', 'supporter', 'mentor', 'mentee', 'staff'] })
  role: 'member' | 'supporter' | 'mentor' | 'mentee' | 'staff';
}

export class ConversationView implements Wire<Conversation> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ enum: ['check-in', 'mentoring', 'supervision'] })
  kind: 'check-in' | 'mentoring' | 'supervision';

  @ApiProperty({ enum: ['open', 'closed', 'declined'] })
  status: 'open' | 'closed' | 'declined';

  @ApiProperty({ type: [ConversationParticipantView] })
  participants: ConversationParticipantView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt: string | null;

  @ApiProperty()
  canWrite: boolean;

  @ApiProperty()
  canDecline: boolean;
}

export class ConversationMessageView implements Wire<ConversationMessage> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  conversationId: string;

  @ApiProperty({ type: AuthorView })
  author: AuthorView;

  @ApiProperty()
  body: string;

  @ApiProperty({ enum: ['screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'], description: 'Others read only published messages.' })
  status: 'screening' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, nullable: true })
  clientMsgId: string | null;

  @ApiProperty({ type: 'array', items: { type: 'object' }, nullable: true, description: 'Crisis contacts, to the author only.' })
  signposting: unknown[] | null;
}

export class MessageAcceptedView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['screening'] })
  status: 'screening';
}
