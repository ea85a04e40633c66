import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PIN_ROLES,
  type Accepted,
  type Author,
  type ForumService,
  type PinRole,
  type PostView as Post,
  type TopicListItem,
  type TopicPin,
} from '@kindred/forum';
import { ResourceView } from '../groups/groups.views';
import { Wire } from '../openapi';

// Response bodies, for the OpenAPI document only: each `implements` the service's own type.

export class AuthorView implements Wire<Author> {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null once the author has erased their account.' })
  id: string | null;

  @ApiProperty({ example: 'KidneyWarrior', description: '“Former member” once the author has erased their account.' })
  displayName: string;
}

/** 202: the post is being screened; it appears (or the author hears why not) when screening ends. */
export class PostAcceptedView implements Wire<Accepted> {
  @ApiProperty({ format: 'uuid', description: 'The post.' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  topicId: string;

  @ApiProperty({ enum: ['screening'] })
  status: 'screening';
}

export class TopicListItemView implements Wire<TopicListItem> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: AuthorView })
  author: AuthorView;

  @ApiProperty({ type: String, nullable: true })
  contentWarning: string | null;

  @ApiProperty({ type: 'integer' })
  replyCount: number;

  @ApiProperty({ format: 'date-time' })
  lastActivityAt: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    enum: ['screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'],
    description: 'In a list: `published`, or `screening` / `held` for the caller’s own topic waiting to be checked or read by a supporter.',
  })
  status: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Where the caller has read up to in this topic; null when never opened.' })
  readAt: string | null;

  @ApiProperty({ description: 'Something in the topic is newer than the caller’s last visit, or they have never opened it.' })
  unread: boolean;

  @ApiProperty({ description: 'Kept at the top of the list by the group’s supporters: pinned topics come first on the first page.' })
  pinned: boolean;

  @ApiProperty({ enum: PIN_ROLES, nullable: true, description: 'The group’s welcome topic or its introductions thread (one of each per group).' })
  pinRole: PinRole | null;
}

export class TopicPinView implements Wire<TopicPin> {
  @ApiProperty({ format: 'uuid' })
  topicId: string;

  @ApiProperty()
  pinned: boolean;

  @ApiProperty({ enum: PIN_ROLES, nullable: true })
  role: PinRole | null;
}

export class TopicView extends TopicListItemView implements Wire<Awaited<ReturnType<ForumService['getTopic']>>> {
  @ApiProperty({ format: 'uuid' })
  groupId: string;
}

export class ReadPositionView {
  @ApiProperty({ format: 'date-time', description: 'Where the caller has now read up to in the topic.' })
  readAt: string;
}

const POST_STATUSES = ['screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'];

export class ReactionCountsView {
  @ApiProperty({ type: 'integer' })
  support: number;

  @ApiProperty({ type: 'integer', name: 'me-too' })
  'me-too': number;

  @ApiProperty({ type: 'integer' })
  thanks: number;

  @ApiProperty({ type: 'integer' })
  hug: number;
}

export class PostView implements Wire<Post> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  topicId: string;

  @ApiProperty({ format: 'uuid' })
  groupId: string;

  @ApiProperty({ type: AuthorView })
  author: AuthorView;

  @ApiProperty({ description: 'Empty once the author deleted the post.' })
  body: string;

  @ApiProperty({ enum: POST_STATUSES, description: 'Anyone but the author sees only `published` posts.' })
  status: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  replyToPostId: string | null;

  @ApiProperty({ type: ReactionCountsView })
  reactions: ReactionCountsView;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: ['support', 'me-too', 'thanks', 'hug'] }, description: 'The caller’s own reactions.' })
  myReactions: Array<'support' | 'me-too' | 'thanks' | 'hug'>;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  editedAt: string | null;

  @ApiProperty({ description: 'The author has an edit being checked; others meanwhile see the published words.' })
  editPending: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The author of a `held` post only: when a person will have looked at it.',
  })
  reviewDueAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The author of a `held` post only: when supporters are next on cover, while none is; null on cover or when none is scheduled.',
  })
  reviewCoverStartsAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'The author of a `held` post only, while no supporter is on cover: what to tell them instead of the deadline, in the group’s time ("Supporters are not on right now; your post will be checked from 9:00 am tomorrow.").',
  })
  reviewPromise?: string | null;

  @ApiPropertyOptional({ type: [ResourceView], description: 'The group’s crisis resources, shown with a post that used crisis language.' })
  signposting?: Array<Record<string, unknown>>;
}

export class ReportReceiptView {
  @ApiProperty({ format: 'uuid' })
  id: string;
}
