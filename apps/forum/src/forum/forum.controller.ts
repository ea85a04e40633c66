import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ForumService } from '@kindred/forum';
import { idParam, PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { CreatePostDto, CreateTopicDto, EditPostDto, ReportDto } from './forum.dto';

const id = idParam;

@ApiTags('forum')
@ApiBearerAuth()
@Controller()
export class ForumController {
  constructor(private readonly forum: ForumService) {}

  @Post('groups/:groupId/topics')
  @HttpCode(202)
  createTopic(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: CreateTopicDto) {
    return this.forum.createTopic(user, groupId, body);
  }

  @Get('groups/:groupId/topics')
  listTopics(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: PageQuery) {
    return this.forum.listTopics(user, groupId, query);
  }

  @Get('topics/:topicId')
  getTopic(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string) {
    return this.forum.getTopic(user, topicId);
  }

  @Get('topics/:topicId/posts')
  listPosts(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Query() query: PageQuery) {
    return this.forum.listPosts(user, topicId, query);
  }

  @Post('topics/:topicId/posts')
  @HttpCode(202)
  reply(@CurrentUser() user: AuthUser, @Param('topicId', id('That topic')) topicId: string, @Body() body: CreatePostDto) {
    return this.forum.reply(user, topicId, body);
  }

  @Get('posts/:postId')
  getPost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string) {
    return this.forum.getPost(user, postId);
  }

  @Patch('posts/:postId')
  @HttpCode(202)
  editPost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Body() body: EditPostDto) {
    return this.forum.editPost(user, postId, body.body);
  }

  @Delete('posts/:postId')
  @HttpCode(204)
  async deletePost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string): Promise<void> {
    await this.forum.deletePost(user, postId);
  }

  @Put('posts/:postId/reactions/:kind')
  @HttpCode(204)
  async react(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Param('kind') kind: string): Promise<void> {
    await this.forum.setReaction(user, postId, kind, true);
  }

  @Delete('posts/:postId/reactions/:kind')
  @HttpCode(204)
  async unreact(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Param('kind') kind: string): Promise<void> {
    await this.forum.setReaction(user, postId, kind, false);
  }

  @Post('posts/:postId/reports')
  report(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Body() body: ReportDto) {
    return this.forum.reportPost(user, postId, body.clauseKey, body.note);
  }
}
