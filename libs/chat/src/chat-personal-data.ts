import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { ReviewItemsService } from '@kindred/moderation';
import { MessagesRepository } from './messages.repository';

/** What the chat holds about a member (their messages), for export and erasure. */
@Injectable()
export class ChatPersonalData implements PersonalDataContributor {
  readonly section = 'chat';

  constructor(
    private readonly messages: MessagesRepository,
    private readonly reviewItems: ReviewItemsService,
  ) {}

  async export(userId: string): Promise<unknown> {
    return { messages: await this.messages.exportFor(userId) };
  }

  /** The words go; the row stays as an empty, author-less "deleted" message so history ids still resolve. */
  async erase(tx: Tx, userId: string): Promise<void> {
    // Words that raised an urgent review stay on its item until a supporter has read them (docs/PRIVACY.md).
    const urgent = await this.reviewItems.openUrgentSubjectIds(tx, 'message', userId);
    if (urgent.length > 0) await this.reviewItems.subjectsErased(tx, 'message', await this.messages.lockBodies(tx, urgent));
    await this.messages.eraseAuthor(tx, userId);
  }
}
