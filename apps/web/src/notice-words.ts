import { formatWhen, humaneText } from './api/humane';
import type { Notice } from './api/types';

/** What a notice says, in the reader's words: a heading, sentences, the clause by its title, and the author's own words. */
export interface NoticeWords {
  heading: string;
  sentences: string[];
  /** "The part of the group agreement: “Be kind to each other”", for notices about a decision; never for support. */
  clause: string | null;
  /** The reader's own words the notice is about. */
  quote: string | null;
}

const HEADINGS: Record<Notice['kind'], string> = {
  removal: 'Something you wrote was removed',
  rejection: 'Something you wrote was not published',
  warning: 'A warning',
  mute: 'You are muted for a while',
  ban: 'You are banned from a group',
  signposting: 'Support you can reach now',
  application: 'About your application',
  appeal: 'About your appeal',
  mentoring: 'About your peer mentoring',
  'check-in': 'A supporter would like to check in',
  questionnaire: 'Questions about how you are getting on',
  'report-outcome': 'About something you reported',
};

/** Kinds that report a decision about what someone wrote, and so cite a clause. Support never does. */
const DECISIONS = new Set<Notice['kind']>(['removal', 'rejection', 'warning', 'mute', 'ban', 'appeal']);

export function noticeWords(notice: Notice, now: Date = new Date()): NoticeWords {
  const titles = new Map(notice.clauseKey && notice.clauseTitle ? [[notice.clauseKey, notice.clauseTitle]] : []);
  const sentences = [humaneText(notice.message, titles, now)];
  if (notice.kind === 'mute' && notice.until) sentences.push(`You can write in the group again from ${formatWhen(notice.until, now)}.`);
  else if (notice.until) sentences.push(`That lasts until ${formatWhen(notice.until, now)}.`);
  const clause = DECISIONS.has(notice.kind) && notice.clauseTitle ? `The part of the group agreement: “${notice.clauseTitle}”` : null;
  return { heading: HEADINGS[notice.kind] ?? 'Notice', sentences, clause, quote: notice.quote ?? null };
}
