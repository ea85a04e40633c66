import { ApiProperty } from '@nestjs/swagger';
import type {
  LoginResult,
  RecoveryCodes,
  RegistrationAccepted,
  SecondFactorChallenge,
  SecondFactorStatus,
  SessionView as Session,
  TotpEnrolment,
} from '@kindred/identity';
import type { MyMembership } from '@kindred/groups';
import type { MyPostView as MyPost } from '@kindred/forum';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

export class ConsentView {
  @ApiProperty({ example: '2026-11-01' })
  version: string;

  @ApiProperty({ description: 'The consent text, in plain words.' })
  text: string;
}

/** The answer to a request whose next step is in a mail: the same whether or not the address has an account. */
export class CheckEmailView implements Wire<RegistrationAccepted> {
  @ApiProperty({ enum: ['check-email'] })
  status: 'check-email';
}

export class UserSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'KidneyWarrior' })
  displayName: string;
}

export class LoginView implements Wire<LoginResult> {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <token>`, and as `auth.token` to the chat service.' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: UserSummaryView })
  user: UserSummaryView;
}

export class MyMembershipView implements Wire<MyMembership> {
  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ enum: ['member', 'supporter'] })
  role: 'member' | 'supporter';

  @ApiProperty({ type: 'integer', nullable: true, description: 'The latest agreement version accepted; null before any.' })
  acceptedAgreementVersion: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  mutedUntil: string | null;
}

/** The caller's own profile settings. */
export class ProfileView {
  @ApiProperty({ type: String, nullable: true, maxLength: 280, description: 'What the member says about themselves; null when they have said nothing.' })
  aboutMe: string | null;

  @ApiProperty({ description: 'Whether other members see them in a chat room’s “online now” list (on unless they turn it off).' })
  showOnline: boolean;
}

/** Another member's profile, as members of a group they share see it. */
export class MemberProfileView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ type: String, nullable: true })
  aboutMe: string | null;
}

/** One of the caller's own posts or topics, with what became of it. */
export class MyPostView implements Wire<MyPost> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  topicId: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: String, nullable: true, description: 'null when the group no longer exists.' })
  groupName: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null when the topic is someone else’s and no longer shown (held, removed or deleted).' })
  topicTitle: string | null;

  @ApiProperty({ description: 'Whether the post opens its topic (the topic is yours).' })
  opening: boolean;

  @ApiProperty({ description: 'Your words (empty once deleted).' })
  body: string;

  @ApiProperty({
    enum: ['screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'],
    description:
      '`screening`: being checked; `held`: waiting for a supporter; `rejected`: not published; `hidden`: hidden after reports until a supporter looks; `removed`: taken down by a supporter; `deleted`: you deleted it.',
  })
  status: 'screening' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  editedAt: string | null;
}

export class MeView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 280, description: 'What the member says about themselves; null when they have said nothing.' })
  aboutMe: string | null;

  @ApiProperty({ description: 'Whether other members see them in a chat room’s “online now” list.' })
  showOnline: boolean;

  @ApiProperty()
  isAdmin: boolean;

  @ApiProperty({ type: [MyMembershipView] })
  memberships: MyMembershipView[];
}

export class SessionView implements Wire<Session> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt: string;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ description: 'Whether this is the session making the request.' })
  current: boolean;
}

class ExportedAccountView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ format: 'date', example: '2001-04-23' })
  dateOfBirth: string;

  @ApiProperty()
  isAdmin: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, nullable: true })
  aboutMe: string | null;

  @ApiProperty()
  showOnline: boolean;
}

class ExportedConsentView {
  @ApiProperty()
  version: string;

  @ApiProperty({ format: 'date-time' })
  givenAt: string;
}

class ExportedSessionView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;
}

/** `GET /me/export`: the account, plus one section per context that holds personal data. */
export class PersonalDataExportView {
  @ApiProperty({ format: 'date-time' })
  exportedAt: string;

  @ApiProperty({ type: ExportedAccountView })
  account: ExportedAccountView;

  @ApiProperty({ type: [ExportedConsentView] })
  consents: ExportedConsentView[];

  @ApiProperty({ type: [ExportedSessionView] })
  sessions: ExportedSessionView[];

  @ApiProperty({ type: 'object', additionalProperties: true, description: '`{ memberships, applications, agreementAcceptances }`.' })
  groups: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: '`{ topics, posts, reactions }` the caller wrote or gave.' })
  forum: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: '`{ messages }` the caller wrote.' })
  chat: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: '`{ reportsMade, appeals, alerts, enforcementHistory }`.' })
  moderation: Record<string, unknown>;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Every notice sent to the caller.' })
  notices: Record<string, unknown>[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '`{ questionnaires, commissionerGrants }`: outcome questionnaires sent to the caller with their questions and the caller’s answers.',
  })
  outcomes: Record<string, unknown>;
}

export class SecondFactorChallengeView implements Wire<SecondFactorChallenge> {
  @ApiProperty({ enum: [true], description: 'The password was right; a second factor is needed: send a code to `POST /auth/login/mfa`.' })
  mfaRequired: true;

  @ApiProperty({ description: 'Works once, for five minutes, for this account only. Not a session token.' })
  mfaToken: string;
}

export class TotpEnrolmentView implements Wire<TotpEnrolment> {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32, for typing into an authenticator app.' })
  secret: string;

  @ApiProperty({
    example: 'otpauth://totp/Kindred:KidneyWarrior?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kindred',
    description: 'For a QR code (RFC 6238: SHA-1, 6 digits, 30 s). Names Kindred and the display name only.',
  })
  otpauthUri: string;
}

export class RecoveryCodesView implements Wire<RecoveryCodes> {
  @ApiProperty({ type: [String], description: 'Ten single-use codes, shown this once: each signs in once instead of an authenticator code.' })
  recoveryCodes: string[];
}

export class SecondFactorStatusView implements Wire<SecondFactorStatus> {
  @ApiProperty({ enum: ['off', 'pending', 'on'], description: '`pending`: set up but not yet confirmed with a code (not a second factor yet).' })
  totp: 'off' | 'pending' | 'on';

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  confirmedAt: string | null;

  @ApiProperty({ type: 'integer' })
  recoveryCodesLeft: number;
}
