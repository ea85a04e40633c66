import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { ModerationModule, ScreeningSources } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { ForumPersonalData } from './forum-personal-data';
import { ForumService } from './forum.service';
import { PostReaction } from './post-reaction.entity';
import { PostScreeningSource } from './post-screening.source';
import { Post } from './post.entity';
import { PostsRepository } from './posts.repository';
import { ReadPositionsRepository } from './read-positions.repository';
import { Topic } from './topic.entity';
import { TopicsRepository } from './topics.repository';
import { SearchRepository } from './search/search.repository';
import { SearchService } from './search/search.service';

@Module({
  imports: [TypeOrmModule.forFeature([Topic, Post, PostReaction]), GroupsModule, IdentityModule, ModerationModule, NotificationsModule, AuditModule],
  providers: [
    TopicsRepository,
    PostsRepository,
    ReadPositionsRepository,
    Transactions,
    ForumService,
    PostScreeningSource,
    ForumPersonalData,
    SearchRepository,
    SearchService,
  ],
  exports: [ForumService, SearchService],
})
export class ForumModule implements OnModuleInit {
  constructor(
    private readonly sources: ScreeningSources,
    private readonly postSource: PostScreeningSource,
    private readonly personalData: PersonalDataRegistry,
    private readonly forumData: ForumPersonalData,
  ) {}

  /** Lets the screening pipeline read and change posts without knowing the forum's tables. */
  onModuleInit(): void {
    this.sources.register(this.postSource);
    this.personalData.register(this.forumData);
  }
}
