import { Identity1763700000000 } from './1763700000000-identity';
import { Groups1763700001000 } from './1763700001000-groups';
import { ForumAndModeration1763700002000 } from './1763700002000-forum-and-moderation';
import { ReviewQueue1763700003000 } from './1763700003000-review-queue';
import { Chat1763700004000 } from './1763700004000-chat';
import { DeadlineWakeUps1763700005000 } from './1763700005000-deadline-wake-ups';
import { AppealNotices1763700006000 } from './1763700006000-appeal-notices';
import { DecisionIntegrity1763700007000 } from './1763700007000-decision-integrity';
import { DisplayNameSkeletons1763700008000 } from './1763700008000-display-name-skeletons';
import { ChatAuthorOrder1763700009000 } from './1763700009000-chat-author-order';
import { Search1763700010000 } from './1763700010000-search';
import { AccountMail1763700011000 } from './1763700011000-account-mail';
import { SearchVectorsOnChange1763700020000 } from './1763700020000-search-vectors-on-change';
import { SecondFactors1763700030000 } from './1763700030000-second-factors';
import { GroupChatRetention1763700050000 } from './1763700050000-group-chat-retention';
import { OpenReviewSubjects1763700051000 } from './1763700051000-open-review-subjects';
import { MemberStanding1763700052000 } from './1763700052000-member-standing';
import { TopicCountersByTrigger1763700053000 } from './1763700053000-topic-counters-by-trigger';
import { Notifications1763700060000 } from './1763700060000-notifications';
import { TopicReads1763700070000 } from './1763700070000-topic-reads';
import { MemberHistory1763700071000 } from './1763700071000-member-history';
import { NoticeDetails1763700075000 } from './1763700075000-notice-details';
import { GroupDraftsAndRevokedCodes1763700076000 } from './1763700076000-group-drafts-and-revoked-codes';
import { ConversationsAndMentoring1763700080000 } from './1763700080000-conversations-and-mentoring';
import { MentoringPublishedViews1763700081000 } from './1763700081000-mentoring-published-views';
import { Outcomes1763700085000 } from './1763700085000-outcomes';
import { GroupMembers1763700085100 } from './1763700085100-group-members';
import { PostActivity1763700085200 } from './1763700085200-post-activity';
import { MessageActivity1763700085300 } from './1763700085300-message-activity';
import { ReviewTimeliness1763700085400 } from './1763700085400-review-timeliness';
import { QuestionnaireNotices1763700085500 } from './1763700085500-questionnaire-notices';
import { MembersVoice1763700086000 } from './1763700086000-members-voice';
import { PinsAndMentions1763700090000 } from './1763700090000-pins-and-mentions';
import { ProfilesAndMyPosts1763700091000 } from './1763700091000-profiles-and-my-posts';
import { ReportOutcomes1763700092000 } from './1763700092000-report-outcomes';
import { SupporterInvitations1763700092100 } from './1763700092100-supporter-invitations';

/** Every migration, in order. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [
  Identity1763700000000,
  Groups1763700001000,
  ForumAndModeration1763700002000,
  ReviewQueue1763700003000,
  Chat1763700004000,
  DeadlineWakeUps1763700005000,
  AppealNotices1763700006000,
  DecisionIntegrity1763700007000,
  DisplayNameSkeletons1763700008000,
  ChatAuthorOrder1763700009000,
  Search1763700010000,
  AccountMail1763700011000,
  SearchVectorsOnChange1763700020000,
  SecondFactors1763700030000,
  GroupChatRetention1763700050000,
  OpenReviewSubjects1763700051000,
  MemberStanding1763700052000,
  TopicCountersByTrigger1763700053000,
  Notifications1763700060000,
  TopicReads1763700070000,
  MemberHistory1763700071000,
  NoticeDetails1763700075000,
  GroupDraftsAndRevokedCodes1763700076000,
  ConversationsAndMentoring1763700080000,
  MentoringPublishedViews1763700081000,
  Outcomes1763700085000,
  GroupMembers1763700085100,
  PostActivity1763700085200,
  MessageActivity1763700085300,
  ReviewTimeliness1763700085400,
  QuestionnaireNotices1763700085500,
  MembersVoice1763700086000,
  PinsAndMentions1763700090000,
  ProfilesAndMyPosts1763700091000,
  ReportOutcomes1763700092000,
  SupporterInvitations1763700092100,
];
