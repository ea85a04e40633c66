import { maskSpans } from '../screening/mask';
import { screenText } from '../screening/screen';
import type { CompiledRules } from '../screening/watched-words.screener';
import type { ReviewReason, ScreenedField } from '../review/review.types';

/** What screening made of words that only staff read: a report's note or an appeal's text. */
export interface StaffTextOutcome {
  /** The words as they are to be stored: personal data and masked rule matches masked. */
  text: string;
  /** A group rule that blocks these words: they are refused (422) and nothing is stored. */
  refused: { clauseKey?: string; detail: string } | null;
  /** Crisis language: the writer is signposted and the item becomes urgent. */
  crisis: boolean;
  /** Crisis reasons for the review item, naming the field (what the screeners found, never the words). */
  reasons: ReviewReason[];
}

/**
 * Screens words that reach only staff with the platform screeners and the group's rules. Nobody
 * else reads them, so a held verdict (personal data, medical advice, links) does not stop them:
 * personal data is masked, since staff do not need it; a blocked word refuses them; crisis words
 * are never refused (a person in crisis must reach a human) and make the item urgent.
 */
export function screenStaffText(text: string, field: ScreenedField, rules: CompiledRules): StaffTextOutcome {
  const { verdicts } = screenText(text, { rules, authorTrusted: true });
  const crisis = verdicts.filter((v) => v.urgent === true);
  const block = verdicts.find((v) => v.action === 'block');
  const spans = verdicts
    .filter((v) => v.source === 'personal-data' || v.action === 'mask' || (crisis.length > 0 && v.action === 'block'))
    .flatMap((v) => v.spans ?? []);
  const reasons: ReviewReason[] = [];
  for (const v of crisis) {
    if (reasons.some((r) => r.detail === v.detail)) continue;
    reasons.push({ source: 'crisis', detail: v.detail, ...(v.clauseKey ? { clauseKey: v.clauseKey } : {}), field });
  }
  return {
    text: spans.length > 0 ? maskSpans(text, spans) : text,
    refused: crisis.length === 0 && block ? { ...(block.clauseKey ? { clauseKey: block.clauseKey } : {}), detail: block.detail } : null,
    crisis: crisis.length > 0,
    reasons,
  };
}
