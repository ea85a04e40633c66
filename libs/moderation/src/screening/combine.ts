import { maskSpans } from './mask';
import type { ReasonSource, ScreenAction, ScreenVerdict, Span } from './screening.types';

export interface ScreeningReason {
  source: ReasonSource;
  detail: string;
  clauseKey?: string;
}

export interface ScreeningOutcome {
  status: 'published' | 'held' | 'rejected';
  /** Published, but a review item is needed (some verdict was `flag`). */
  flagged: boolean;
  urgent: boolean;
  /** The original with every `mask` span masked. */
  body: string;
  /** Deduplicated, most severe first. */
  reasons: ScreeningReason[];
  /** The `block` verdict that caused a rejection. */
  rejection?: { clauseKey?: string; detail: string };
}

const SEVERITY: Record<ScreenAction, number> = { block: 0, hold: 1, flag: 2, mask: 3 };

const rank = (v: ScreenVerdict): number => (v.urgent ? -1 : SEVERITY[v.action]);

export function combineVerdicts(original: string, verdicts: ReadonlyArray<ScreenVerdict>): ScreeningOutcome {
  const ordered = verdicts
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
    .map(({ v }) => v);

  const urgent = ordered.some((v) => v.urgent === true);
  const block = ordered.find((v) => v.action === 'block');
  const held = ordered.some((v) => v.action === 'hold');

  // A person in crisis must reach a human, not a silent rejection: urgent wins over block and the item is held.
  const status: ScreeningOutcome['status'] = urgent ? 'held' : block ? 'rejected' : held ? 'held' : 'published';

  const seen = new Set<string>();
  const reasons: ScreeningReason[] = [];
  for (const v of ordered) {
    const key = `${v.source}\u0000${v.detail}\u0000${v.clauseKey ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push(v.clauseKey ? { source: v.source, detail: v.detail, clauseKey: v.clauseKey } : { source: v.source, detail: v.detail });
  }

  const masks: Span[] = ordered.filter((v) => v.action === 'mask').flatMap((v) => v.spans ?? []);
  const outcome: ScreeningOutcome = {
    status,
    flagged: status === 'published' && ordered.some((v) => v.action === 'flag'),
    urgent,
    body: masks.length > 0 ? maskSpans(original, masks) : original,
    reasons,
  };
  if (status === 'rejected' && block) {
    outcome.rejection = block.clauseKey ? { clauseKey: block.clauseKey, detail: block.detail } : { detail: block.detail };
  }
  return outcome;
}
