import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ForumService, REACTION_KINDS } from '@kindred/forum';
import { idParam, PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { CreatePostDto, CreateTopicDto, EditPostDto, PinTopicDto, ReadPositionDto, ReportDto } from './forum.dto';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS, PARTICIPATION_PROBLEMS } from '../openapi';
import { PostAcceptedView, PostView, ReadPositionView, ReportReceiptView, TopicListItemView, TopicPinView, TopicView } from './forum.views';

const id = idParam;

@ApiTags('forum')
@ApiBearerAuth()
@ApiProblems(401, ...PARTICIPATION_PROBLEMS, 404)
@Controller()
export class ForumController {
  constructor(private readonly forum: ForumService) {}

  @ApiAcceptedResponse({ type: PostAcceptedView, description: 'The opening post, being screened.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'MUTED', 429)
  @Post('groups/:groupId/topics')
  @HttpCode(202)
  createTopic(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: CreateTopicDto) {
    return this.forum.createTopic(user, groupId, body);
  }

  @ApiPageResponse(
    TopicListItemView,
    'On the first page the pinned topics (the welcome topic, then the introductions thread, then the latest pinned), then the other published topics, newest activity first.',
  )
  @ApiProblems(422)
  @Get('groups/:groupId/topics')
  listTopics(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: PageQuery) {
    return this.forum.listTopics(user, groupId, query);
  }

  @ApiOkResponse({ type: TopicView })
  @Get('topics/:topicId')
  getTopic(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string) {
    return this.forum.getTopic(user, topicId);
  }

  @ApiOperation({
    summary: 'Pin or unpin a topic',
    description:
      'The group’s supporters and admins keep a published topic at the top of the list, optionally as the group’s welcome topic or introductions thread; recorded in the audit log. A member is refused (403); a topic that is not published cannot be pinned (409 CONFLICT).',
  })
  @ApiOkResponse({ type: TopicPinView })
  @StaffEndpoint()
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Put('topics/:topicId/pin')
  @HttpCode(200)
  pin(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Body() body: PinTopicDto) {
    return this.forum.pinTopic(user, topicId, body);
  }

  @ApiOkResponse({ type: ReadPositionView, description: 'The caller’s read position in the topic, moved forward.' })
  @ApiProblems(...JSON_BODY_PROBLEMS)
  @Put('topics/:topicId/read')
  @HttpCode(200)
  markRead(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Body() body?: ReadPositionDto) {
    return this.forum.markRead(user, topicId, body?.at ? new Date(body.at) : undefined);
  }

  @ApiPageResponse(PostView, 'Oldest first: published posts, plus the caller’s own in any state.')
  @ApiProblems(422)
  @Get('topics/:topicId/posts')
  listPosts(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Query() query: PageQuery) {
    return this.forum.listPosts(user, topicId, query);
  }

  @ApiAcceptedResponse({ type: PostAcceptedView, description: 'The reply, being screened.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'MUTED', 429)
  @Post('topics/:topicId/posts')
  @HttpCode(202)
  reply(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Body() body: CreatePostDto) {
    return this.forum.reply(user, topicId, body);
  }

  @ApiOkResponse({ type: PostView })
  @Get('posts/:postId')
  getPost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string) {
    return this.forum.getPost(user, postId);
  }

  @ApiAcceptedResponse({ type: PostAcceptedView, description: 'The edit is screened again before anyone sees it.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'FORBIDDEN', 'MUTED', 409)
  @Patch('posts/:postId')
  @HttpCode(202)
  editPost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Body() body: EditPostDto) {
    return this.forum.editPost(user, postId, body.body);
  }

  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('FORBIDDEN', 409)
  @Delete('posts/:postId')
  @HttpCode(204)
  async deletePost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string): Promise<void> {
    await this.forum.deletePost(user, postId);
  }

  @ApiNoContentResponse({ description: 'Reacted (again: no change).' })
  @ApiProblems(409, 422)
  @ApiParam({ name: 'kind', enum: REACTION_KINDS })
  @Put('posts/:postId/reactions/:kind')
  @HttpCode(204)
  async react(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Param('kind') kind: string): Promise<void> {
    await this.forum.setReaction(user, postId, kind, true);
  }

  @ApiNoContentResponse({ description: 'No longer reacting.' })
  @ApiProblems(409, 422)
  @ApiParam({ name: 'kind', enum: REACTION_KINDS })
  @Delete('posts/:postId/reactions/:kind')
  @HttpCode(204)
  async unreact(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Param('kind') kind: string): Promise<void> {
    await this.forum.setReaction(user, postId, kind, false);
  }

  @ApiCreatedResponse({ type: ReportReceiptView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('posts/:postId/reports')
  report(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Body() body: ReportDto) {
    return this.forum.reportPost(user, postId, body.clauseKey, body.note);
  }
}
