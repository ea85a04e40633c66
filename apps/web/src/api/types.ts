/**
 * The API's answers and requests as the screens name them: every one is a schema of the generated
 * OpenAPI types (./schema.d.ts, from docs/openapi.json by `npm run api:types`), never a copy.
 */
import type { components } from './schema';

/** A schema of the API's OpenAPI document, by name. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type Person = Schema<'AuthorView'>;
export type Me = Schema<'MeView'>;
export type Membership = Schema<'MyMembershipView'>;
export type Question = Schema<'EligibilityQuestionView'>;
export type Coverage = Schema<'CoverageWindowView'>;
export type Moderation = Schema<'ModerationSettingsView'>;
/** A group as its members and admins see it (settings included). */
export type Group = Schema<'GroupView'>;
/** A group as the directory lists it. */
export type GroupEntry = Schema<'GroupDirectoryEntryView'>;
export type Clause = Schema<'ClauseView'>;
export type Agreement = Schema<'AgreementView'>;
/** A signposting resource; the crisis lines bundled into the app have no id. */
export type Resource = Omit<Schema<'ResourceView'>, 'id'> & Partial<Pick<Schema<'ResourceView'>, 'id'>>;
export type TopicSummary = Schema<'TopicListItemView'>;
export type Topic = Schema<'TopicView'>;
export type Post = Schema<'PostView'>;
export type Notice = Schema<'NoticeView'>;
export type ReviewItem = Schema<'ReviewItemView'>;
export type Application = Schema<'ApplicationView'>;
export type ChatMessage = Schema<'ChatMessageView'>;
export type Session = Schema<'SessionView'>;
export type MyPost = Schema<'MyPostView'>;
export type Profile = Schema<'ProfileView'>;
export type MemberProfile = Schema<'MemberProfileView'>;
export type OnlineMember = Schema<'OnlineMemberView'>;
export type ModerationMetrics = Schema<'ModerationMetricsView'>;
export type Rule = Schema<'RuleView'>;
export type Member = Schema<'MemberView'>;
export type AuditEntry = Schema<'AuditEntryView'>;
export type ReferralCode = Schema<'ReferralCodeView'>;
export type WebAppConfig = Schema<'WebAppConfigView'>;
/** An error answer (problem+json); status 0 when the API could not be reached. */
export type Problem = Partial<Schema<'ProblemDetails'>> & { status: number };
