import { personSeen } from '@kindred/identity';
import type { SubjectType, SubjectView } from '../review/review.types';

/** A chat or conversation message as its screening source holds it. */
export interface MessageSubject {
  id: string;
  body: string;
  authorId: string | null;
  groupId: string;
  status: string;
}

/** What a reviewer sees of each message: its words, who wrote it (by their name now) and where. */
export function messageSubjects(type: SubjectType, messages: readonly MessageSubject[], names: ReadonlyMap<string, string>): Map<string, SubjectView> {
  return new Map(
    messages.map((m) => [
      m.id,
      { type, id: m.id, body: m.body, author: m.authorId ? personSeen(m.authorId, names) : null, groupId: m.groupId, status: m.status },
    ]),
  );
}
