import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  AcceptanceView,
  AgreementView as Agreement,
  ApplicationReceipt,
  ApplicationView as Application,
  Clause,
  CoverageWindow,
  Eligibility,
  EligibilityQuestion,
  GroupDirectoryEntry,
  GroupView as Group,
  MyApplicationView as MyApplication,
  MemberView as Member,
  Mentionable,
  ModerationSettings,
  ReferralCodeView as ReferralCode,
  SupporterInvitationView as SupporterInvitation,
} from '@kindred/groups';
import type { ResourceView as Resource } from '@kindred/signposting';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

export class EligibilityQuestionView implements Wire<EligibilityQuestion> {
  @ApiProperty({ example: 'diagnosis' })
  key: string;

  @ApiProperty({ example: 'Have you been diagnosed with chronic kidney disease?' })
  prompt: string;

  @ApiProperty()
  required: boolean;

  @ApiPropertyOptional({ description: 'An answer that differs does not reject; it is shown to the reviewer.' })
  expected?: string;
}

export class EligibilityView implements Wire<Eligibility> {
  @ApiPropertyOptional({ type: 'integer' })
  minAge?: number;

  @ApiPropertyOptional({ type: 'integer' })
  maxAge?: number;

  @ApiProperty({ type: [EligibilityQuestionView] })
  questions: EligibilityQuestionView[];
}

export class CoverageWindowView implements Wire<CoverageWindow> {
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays, 1 = Monday.' })
  days: number[];

  @ApiProperty({ example: '09:00' })
  from: string;

  @ApiProperty({ example: '17:00' })
  to: string;
}

export class ModerationSettingsView implements Wire<ModerationSettings> {
  @ApiProperty({ enum: ['pre', 'post', 'first-posts'] })
  mode: 'pre' | 'post' | 'first-posts';

  @ApiProperty({ type: 'integer', description: 'Under `first-posts`, how many of a member’s first posts are held for review.' })
  firstPostsHeld: number;

  @ApiProperty({ type: 'integer' })
  reviewSlaMinutes: number;

  @ApiProperty({ type: 'integer', description: 'For crisis items; never longer than the normal SLA.' })
  urgentSlaMinutes: number;

  @ApiProperty({ type: 'integer', description: 'Distinct reporters that hide an item pending review.' })
  reportsToHide: number;

  @ApiProperty({ type: [CoverageWindowView] })
  coverage: CoverageWindowView[];

  @ApiProperty({ example: 'Europe/London', description: 'IANA time zone the coverage windows are read in.' })
  timezone: string;

  @ApiProperty({ enum: ['pre', 'post', 'readonly'], description: 'What the group does while no moderation cover is scheduled.' })
  outOfCoverage: 'pre' | 'post' | 'readonly';
}

/** A group as the public directory shows it: never any content. */
export class GroupDirectoryEntryView implements Wire<GroupDirectoryEntry> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'kidney-18-30' })
  slug: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty()
  condition: string;

  @ApiProperty({ type: EligibilityView })
  eligibility: EligibilityView;
}

/** A group with its settings, as admins and the group's supporters see it. */
export class GroupView extends GroupDirectoryEntryView implements Wire<Group> {
  @ApiProperty({ description: 'A draft is not in the directory and takes no applications until it is opened.' })
  draft: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the group opened; null while it is a draft.' })
  openedAt: string | null;

  @ApiProperty({ type: ModerationSettingsView })
  moderation: ModerationSettingsView;

  @ApiProperty({ type: 'integer' })
  slowModeSeconds: number;

  @ApiProperty({ type: 'integer' })
  chatRetentionDays: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ClauseView implements Wire<Clause> {
  @ApiProperty({ example: 'respect' })
  key: string;

  @ApiProperty({ example: 'Respect, and no discrimination' })
  title: string;

  @ApiProperty()
  text: string;
}

export class AgreementView implements Wire<Agreement> {
  @ApiProperty({ type: 'integer', example: 1 })
  version: number;

  @ApiProperty({ type: [ClauseView] })
  clauses: ClauseView[];

  @ApiProperty({ format: 'date-time' })
  publishedAt: string;
}

export class AgreementAcceptanceView implements Wire<AcceptanceView> {
  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: 'integer' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  acceptedAt: string;
}

export class ApplicationReceiptView implements Wire<ApplicationReceipt> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending', 'approved'], description: 'approved at once with a valid referral code' })
  status: 'pending' | 'approved';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a supporter will have decided; null when already approved.' })
  dueAt: string | null;

  @ApiPropertyOptional({ description: 'Plain words on what happens next, when there is something to explain.' })
  message?: string;

  @ApiPropertyOptional({
    description: 'While no supporter is on cover: when one is next on, in the group’s time, said in place of the deadline.',
    example: 'Supporters are not on right now; your application will be read from 9:00 am tomorrow.',
  })
  reviewPromise?: string;
}

export class MyApplicationView implements Wire<MyApplication> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] })
  status: 'pending' | 'approved' | 'rejected';

  @ApiProperty({ format: 'date-time', description: 'When it was sent.' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Pending: when a supporter will have decided.' })
  dueAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Declined: the reason the supporter gave.' })
  reason: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Pending, while no supporter is on cover: when one is next on, in plain words.' })
  reviewPromise: string | null;
}

export class MyApplicationAnswerView {
  @ApiProperty({ type: MyApplicationView, nullable: true })
  application: MyApplicationView | null;
}

export class ApplicantView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class ApplicationView implements Wire<Application> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: ApplicantView })
  applicant: ApplicantView;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Answers keyed by the group’s question keys.' })
  answers: Record<string, string>;

  @ApiProperty({ type: [String], description: 'Question keys whose answer differs from the expected one.' })
  mismatches: string[];

  @ApiProperty()
  declaration: boolean;

  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] })
  status: 'pending' | 'approved' | 'rejected';

  @ApiProperty({ description: 'Whether a referral code came with it.' })
  referral: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: string | null;

  @ApiProperty()
  overdue: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  decisionReason: string | null;
}

export class ReferralCodeView implements Wire<ReferralCode> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ABCDE-23456', description: 'Shown once: give it to the people it is for.' })
  code: string;

  @ApiProperty()
  label: string;

  @ApiProperty({ type: 'integer' })
  maxUses: number;

  @ApiProperty({ type: 'integer' })
  uses: number;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When an admin revoked it; a revoked code admits nobody.' })
  revokedAt: string | null;
}

export class AppointedView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
}

export class MemberView implements Wire<Member> {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: ['member', 'supporter'] })
  role: 'member' | 'supporter';

  @ApiProperty({ enum: ['active', 'banned'] })
  status: 'active' | 'banned';

  @ApiProperty({ format: 'date-time' })
  joinedAt: string;

  @ApiProperty({ type: 'integer', nullable: true })
  acceptedAgreementVersion: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  mutedUntil: string | null;
}

/** Someone the composer may suggest after an `@`: a name and an id, nothing more. */
export class MentionableView implements Wire<Mentionable> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'KidneyWarrior' })
  displayName: string;
}

export class MentionableListView {
  @ApiProperty({ type: [MentionableView], description: 'At most 8, by name.' })
  items: MentionableView[];
}

export class ResourceView implements Wire<Resource> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['crisis', 'clinical', 'peer', 'information'] })
  kind: 'crisis' | 'clinical' | 'peer' | 'information';

  @ApiProperty({ example: 'Samaritans' })
  title: string;

  @ApiProperty()
  description: string;

  @ApiPropertyOptional({ example: '116 123' })
  phone?: string;

  @ApiPropertyOptional({ example: '85258' })
  sms?: string;

  @ApiPropertyOptional({ example: 'https://www.samaritans.org' })
  url?: string;

  @ApiPropertyOptional({ example: '24 hours a day, every day' })
  hours?: string;
}

export class ResourceListView {
  @ApiProperty({ type: [ResourceView] })
  items: ResourceView[];
}

export class InvitationAcceptorView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class SupporterInvitationView implements Wire<SupporterInvitation> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'Where it was sent; null once accepted.' })
  email: string | null;

  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] })
  status: 'pending' | 'accepted' | 'revoked' | 'expired';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'When its link stops working.' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  acceptedAt: string | null;

  @ApiProperty({ type: InvitationAcceptorView, nullable: true })
  acceptedBy: InvitationAcceptorView | null;
}

export class SupporterInvitationListView {
  @ApiProperty({ type: [SupporterInvitationView] })
  items: SupporterInvitationView[];
}

export class AcceptedInvitationView {
  @ApiProperty({ format: 'uuid', description: 'The group the person is now a supporter of.' })
  groupId: string;
}
