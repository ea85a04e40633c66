import { combineVerdicts, type ScreeningOutcome } from '../screening/combine';
import type { ScreenVerdict } from '../screening/screening.types';
import type { ReviewReason, ScreenedField } from '../review/review.types';

/** One member-written field of a subject and its text. */
export interface FieldText {
  field: ScreenedField;
  text: string;
}

/** A field with what the text screeners said about it. */
export interface ScreenedFieldText extends FieldText {
  verdicts: ReadonlyArray<ScreenVerdict>;
}

export interface FieldsOutcome extends Omit<ScreeningOutcome, 'reasons'> {
  /** As `combineVerdicts` orders them; a reason found in words names the field it was found in (one reason per field). */
  reasons: ReviewReason[];
  /** The primary field's text, masked where a verdict said so (`body` in ScreeningOutcome terms). */
  body: string;
  /** Every other field whose text masking changed, masked; absent when none changed. */
  masked?: Partial<Record<ScreenedField, string>>;
}

const reasonKey = (r: { source: string; detail: string; clauseKey?: string }): string => `${r.source}\u0000${r.detail}\u0000${r.clauseKey ?? ''}`;

/**
 * Combines the verdicts on every field of one subject into one outcome: the subject is as severe
 * as its most severe field (a held title holds the whole topic, crisis words anywhere make it
 * urgent, a blocked word anywhere rejects it), each field is masked in place, and each reason
 * says which field it came from. `others` are verdicts about the subject as a whole (moderation
 * mode), which name no field. The primary field is `body`, or else the first one given.
 */
export function combineFieldVerdicts(fields: ReadonlyArray<ScreenedFieldText>, others: ReadonlyArray<ScreenVerdict> = []): FieldsOutcome {
  const primary = fields.find((f) => f.field === 'body') ?? fields[0];
  // The others' spans point into their own text, so only the primary field's spans reach its mask.
  const all = [...fields.flatMap((f) => (f === primary ? f.verdicts : f.verdicts.map(({ spans: _spans, ...rest }) => rest))), ...others];
  const overall = combineVerdicts(primary?.text ?? '', all);

  const fieldsByReason = new Map<string, ScreenedField[]>();
  for (const f of fields) {
    for (const v of f.verdicts) {
      const key = reasonKey(v);
      const named = fieldsByReason.get(key) ?? [];
      if (!named.includes(f.field)) named.push(f.field);
      fieldsByReason.set(key, named);
    }
  }
  const reasons: ReviewReason[] = overall.reasons.flatMap((reason) => {
    const named = fieldsByReason.get(reasonKey(reason));
    return named ? named.map((field) => ({ ...reason, field })) : [{ ...reason }];
  });

  const masked: Partial<Record<ScreenedField, string>> = {};
  for (const f of fields) {
    if (f === primary) continue;
    const text = combineVerdicts(f.text, f.verdicts).body;
    if (text !== f.text) masked[f.field] = text;
  }
  const outcome: FieldsOutcome = { ...overall, reasons };
  if (Object.keys(masked).length > 0) outcome.masked = masked;
  return outcome;
}

/** Screens each field on its own with `screen` (the text screeners), then combines them as above. */
export function screenFields(
  fields: ReadonlyArray<FieldText>,
  screen: (text: string) => ScreenVerdict[],
  others: ReadonlyArray<ScreenVerdict> = [],
): FieldsOutcome {
  return combineFieldVerdicts(
    fields.map((f) => ({ ...f, verdicts: f.text === '' ? [] : screen(f.text) })),
    others,
  );
}
