/**
 * A matching question: the member answers with one of `options`. A mentor's answer to the same
 * key (or to `mentorKey`, for a preference about the mentor, such as their gender) is compared
 * with it; `anyOption` (for example "No preference") matches every mentor.
 */
export interface MatchingQuestion {
  key: string;
  label: string;
  options: string[];
  mentorKey?: string;
  anyOption?: string;
}

export interface ProgrammeSettings {
  name: string;
  menteesPerMentor: number;
  relationshipWeeks: number;
  checkInEveryDays: number;
  matchingQuestions: MatchingQuestion[];
}

export interface ProgrammeView extends ProgrammeSettings {
  id: string;
  groupId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Which training a mentor completed, when and with whom, and when it must be renewed (ISO dates). */
export interface TrainingRecord {
  modules: string[];
  completedOn: string;
  trainer: string;
  renewBy: string;
}

export interface PersonRef {
  id: string;
  displayName: string;
}

/** A mentor as coordinators see them: training, load and overdue check-ins. */
export interface MentorView {
  mentor: PersonRef;
  status: 'approved' | 'withdrawn';
  training: TrainingRecord;
  /** False once the renewal date has passed: no new mentees until it is renewed. */
  trainingCurrent: boolean;
  answers: Record<string, string>;
  capacity: number;
  /** Relationships proposed or running. */
  load: number;
  overdueCheckIns: number;
}

export type RequestStatus = 'open' | 'matched' | 'withdrawn';

export interface MentoringRequestView {
  id: string;
  groupId: string;
  mentee: PersonRef;
  answers: Record<string, string>;
  status: RequestStatus;
  createdAt: Date;
}

export interface MatchSuggestion {
  mentor: PersonRef;
  /** How many of the member's answers the mentor matches. */
  score: number;
  matchedOn: string[];
  spareCapacity: number;
}

export type RelationshipStatus = 'proposed' | 'active' | 'ended';

export interface RelationshipView {
  id: string;
  groupId: string;
  programmeId: string;
  mentor: PersonRef | null;
  mentee: PersonRef | null;
  status: RelationshipStatus;
  mentorAgreedAt: Date | null;
  menteeAgreedAt: Date | null;
  startedAt: Date | null;
  endsAt: Date | null;
  endedAt: Date | null;
  conversationId: string | null;
  nextCheckInDue: Date | null;
  overdue: boolean;
  /** The caller's own role in it, if any. */
  myRole: 'mentor' | 'mentee' | null;
  /** Only coordinators read why a relationship ended, and who ended it. */
  endReason?: string | null;
  endedBy?: string | null;
}

export type GoalStatus = 'open' | 'done' | 'dropped';

export interface GoalReview {
  checkInId: string;
  heldAt: Date;
  confidence: number;
  status: GoalStatus;
}

export interface GoalView {
  id: string;
  relationshipId: string;
  what: string;
  byWhen: string;
  confidence: number;
  status: GoalStatus;
  createdAt: Date;
  updatedAt: Date;
  reviews: GoalReview[];
}

export interface CheckInView {
  id: string;
  relationshipId: string;
  heldAt: Date;
  recordedBy: string | null;
  reviews: Array<{ goalId: string; confidence: number; status: GoalStatus }>;
  nextCheckInDue: Date;
}

export interface SessionNoteView {
  id: string;
  relationshipId: string;
  mentor: PersonRef | null;
  menteeId: string | null;
  body: string;
  createdAt: Date;
}
