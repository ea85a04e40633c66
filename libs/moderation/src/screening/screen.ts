import { screenCrisis } from './crisis.screener';
import { screenLinks } from './links.screener';
import { screenMedicalAdvice } from './medical-advice.screener';
import { normalise, type NormalisedText } from './normalise';
import { screenPersonalData } from './personal-data.screener';
import type { ScreenVerdict } from './screening.types';
import { screenWatchedWords, type CompiledRules } from './watched-words.screener';

export interface ScreenTextContext {
  rules: CompiledRules;
  authorTrusted: boolean;
}

/** Runs every text screener on one normalisation of the text. Mode verdicts come from modeVerdicts(). */
export function screenText(original: string, ctx: ScreenTextContext): { normalised: NormalisedText; verdicts: ScreenVerdict[] } {
  const normalised = normalise(original);
  const verdicts = [
    ...screenCrisis(normalised),
    ...screenPersonalData(normalised),
    ...screenMedicalAdvice(normalised),
    ...screenLinks(normalised, { authorTrusted: ctx.authorTrusted }),
    ...screenWatchedWords(ctx.rules, normalised),
  ];
  return { normalised, verdicts };
}
