import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { ReviewItemsService } from '@kindred/moderation';
import { ConversationMessagesRepository, SUBJECT_TYPE } from './conversation-messages.repository';
import { ConversationsRepository } from './conversations.repository';

/** What conversations hold about a person: the conversations they took part in and what they wrote. */
@Injectable()
export class ConversationsPersonalData implements PersonalDataContributor {
  readonly section = 'conversations';

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    private readonly reviewItems: ReviewItemsService,
  ) {}

  async export(userId: string): Promise<unknown> {
    return { conversations: await this.conversations.exportFor(userId), messages: await this.messages.exportFor(userId) };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    // Words that raised an urgent review stay on its item until a supporter has read them (docs/PRIVACY.md).
    const urgent = await this.reviewItems.openUrgentSubjectIds(tx, SUBJECT_TYPE, userId);
    if (urgent.length > 0) await this.reviewItems.subjectsErased(tx, SUBJECT_TYPE, await this.messages.lockBodies(tx, urgent));
    await this.messages.eraseAuthor(tx, userId);
    await this.conversations.eraseParticipant(tx, userId);
  }
}
