import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { IdentityService } from '@kindred/identity';
import { messageSubjects } from '@kindred/moderation';
import type { ContentSource, ScreeningSubject, SubjectView, VerdictToApply } from '@kindred/moderation';
import { ConversationMessagesRepository, SUBJECT_TYPE } from './conversation-messages.repository';

/**
 * Lets the screening pipeline and the review queue read and change conversation messages: every
 * message is screened like a chat message or a post (crisis words held with an urgent item for the
 * group's supporters and signposting to the writer, personal contact details held for review).
 * Readers poll with `after`, so nothing is pushed after a verdict.
 */
@Injectable()
export class ConversationMessageSource implements ContentSource {
  readonly type = SUBJECT_TYPE;

  constructor(
    private readonly messages: ConversationMessagesRepository,
    private readonly identity: IdentityService,
  ) {}

  lockForVerdict(tx: Tx, id: string): Promise<ScreeningSubject | null> {
    return this.messages.lockForVerdict(tx, id);
  }

  applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply): Promise<void> {
    return this.messages.applyVerdict(tx, subject.id, { status: verdict.status, body: verdict.body, signposting: verdict.signposting });
  }

  publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    return this.messages.publishedCount(authorId, groupId, atMost);
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.messages.stuckInScreening(olderThanSeconds, limit);
  }

  async describe(ids: string[]): Promise<Map<string, SubjectView>> {
    if (ids.length === 0) return new Map();
    const found = await this.messages.findMany(ids);
    return messageSubjects(this.type, found, await this.identity.displayNames(found.flatMap((m) => (m.authorId ? [m.authorId] : []))));
  }

  hide(tx: Tx, id: string): Promise<void> {
    return this.messages.hide(tx, id);
  }

  setStatus(tx: Tx, id: string, status: 'published' | 'removed'): Promise<void> {
    return status === 'removed' ? this.messages.remove(tx, id) : this.messages.approve(tx, id);
  }
}
