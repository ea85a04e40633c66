import type { ReviewReason, SubjectChange } from './review.types';

/** The item as a decision sees it, under its row lock. */
export interface ItemUnderDecision {
  kind: 'post' | 'message' | 'conversation-message' | 'report' | 'appeal';
  subjectRevision: number;
  subjectChange: SubjectChange | null;
}

/** The content as a decision sees it, under its row lock; null when it no longer exists. */
export interface SubjectUnderDecision {
  revision: number;
  status: string;
}

/**
 * What a decision does to the content: publish it, remove it, or leave it as it is. A decision
 * acts only on the revision the item is about. When the author has since edited, deleted or
 * erased it, the words the moderator read are no longer there: the current revision has been (or
 * is being) screened on its own, so the decision leaves it alone and only records the judgement.
 */
export function contentEffect(item: ItemUnderDecision, subject: SubjectUnderDecision | null, action: 'approve' | 'remove'): 'published' | 'removed' | null {
  if (!subject || subject.status === 'deleted') return null;
  if (item.subjectChange !== null || subject.revision !== item.subjectRevision) return null;
  // Only an appeal brings back what screening rejected or a moderator removed.
  if (action === 'approve') return item.kind !== 'appeal' && ['rejected', 'removed'].includes(subject.status) ? null : 'published';
  // A refused appeal leaves the content as it was.
  return item.kind === 'appeal' ? null : 'removed';
}

/** Only an admin may sanction a supporter or an admin; a supporter may sanction members. */
export function maySanction(caller: { isAdmin: boolean }, author: { isStaff: boolean } | null, itemKind: ItemUnderDecision['kind']): boolean {
  if (!author || itemKind === 'appeal') return false;
  return caller.isAdmin || !author.isStaff;
}

/** The reason shown on a kept urgent item, saying what became of the words that raised it. */
export function changeReason(change: SubjectChange): ReviewReason {
  const detail = {
    edited: 'The author edited these words after they raised this item. Shown here is what they first wrote.',
    deleted: 'The author deleted these words after they raised this item. Shown here is what they wrote.',
    erased: 'The author has left Kindred and erased their account. Shown here is what they wrote; it is erased once this item is decided.',
  }[change];
  return { source: 'author', detail };
}
