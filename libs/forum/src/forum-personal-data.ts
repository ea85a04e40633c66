import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { ReviewItemsService } from '@kindred/moderation';
import { PostsRepository } from './posts.repository';
import { ReadPositionsRepository } from './read-positions.repository';
import { TopicsRepository } from './topics.repository';

/** What the forum holds about a member, and how it is erased without breaking threads for others. */
@Injectable()
export class ForumPersonalData implements PersonalDataContributor {
  readonly section = 'forum';

  constructor(
    private readonly posts: PostsRepository,
    private readonly topics: TopicsRepository,
    private readonly reviewItems: ReviewItemsService,
    private readonly reads: ReadPositionsRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [topics, { posts, reactions }, readPositions] = await Promise.all([
      this.topics.exportFor(userId),
      this.posts.exportFor(userId),
      this.reads.exportFor(userId),
    ]);
    return { topics, posts, reactions, readPositions };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    // Words that raised an urgent review stay on its item until a supporter has read them (docs/PRIVACY.md).
    const urgent = await this.reviewItems.openUrgentSubjectIds(tx, 'post', userId);
    if (urgent.length > 0) await this.reviewItems.subjectsErased(tx, 'post', await this.posts.lockBodies(tx, urgent));
    await this.posts.eraseAuthor(tx, userId);
    await this.topics.eraseAuthor(tx, userId);
    await this.reads.eraseFor(tx, userId);
  }
}
