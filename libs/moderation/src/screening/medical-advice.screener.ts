import { toOriginalSpan, type NormalisedText } from './normalise';
import { summarise, type GuardedMatch } from './pattern-match';
import { allMatches } from './regex-iteration';
import { CLAUSE, type ScreenVerdict } from './screening.types';

// Fires on an instruction aimed at the reader ("you should…", "just…", a clause that opens with an imperative) to stop,
// skip or change a named treatment. Sharing one's own experience ("I stopped…", "my dose") and pointing people to
// their clinical team are the behaviour the agreement asks for, so they never fire.

const TREATMENT = [
  'doses?',
  'dosages?',
  'meds',
  'medications?',
  'medicines?',
  'pills',
  'tablets',
  'tabs',
  'prescriptions?',
  'treatments?',
  'dialysis(?:\\s+sessions?)?',
  'haemodialysis',
  'hemodialysis',
  'pd',
  'hd',
  'sessions?',
  'exchanges',
  'binders?',
  'phosphate\\s+binders?',
  'steroids?',
  'pred',
  'prednisolone',
  'prednisone',
  'tacrolimus',
  'tac',
  'advagraf',
  'adoport',
  'prograf',
  'envarsus',
  'mycophenolate',
  'mmf',
  'cellcept',
  'myfortic',
  'ciclosporin',
  'cyclosporine',
  'azathioprine',
  'sirolimus',
  'everolimus',
  'immunosuppressants?',
  'immunosuppression',
  'anti[\\s-]?rejection(?:\\s+(?:meds|drugs|medication|tablets))?',
  'insulin',
  'epo',
  'eprex',
  'aranesp',
  'mircera',
  'iron(?:\\s+(?:tablets|infusions?))?',
  'sevelamer',
  'renvela',
  'calcichew',
  'lanthanum',
  'fosrenol',
  'alfacalcidol',
  'calcitriol',
  'cinacalcet',
  'furosemide',
  'frusemide',
  'bumetanide',
  'diuretics?',
  'water\\s+tablets',
  'ramipril',
  'lisinopril',
  'losartan',
  'candesartan',
  'amlodipine',
  'bisoprolol',
  'doxazosin',
  'blood\\s+pressure\\s+(?:meds|medication|tablets|pills)',
  'bp\\s+(?:meds|tablets|pills)',
  'statins?',
  'atorvastatin',
  'simvastatin',
  'warfarin',
  'apixaban',
  'rivaroxaban',
  'blood\\s+thinners?',
  'antibiotics',
  'painkillers',
  'bicarbonate',
  'sodium\\s+bicarb(?:onate)?',
  'allopurinol',
  'antidepressants?',
  'sertraline',
  'citalopram',
  'fluoxetine',
  'metformin',
  'fluid\\s+(?:restrictions?|limits?|allowance)',
  'transplant\\s+(?:meds|medication)',
  'kidney\\s+(?:meds|medication)',
].join('|');

// Modifiers allowed between verb and treatment. "my" is absent on purpose: "double my dose" is experience.
const OBJECT = `(?:(?:your|ur|the|a|an|those|these|all|of|some|any|every|next|odd|one|that|this|extra|evening|morning|night|nightly|daily|weekly|whole|new|other|blood|renal|few|couple|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|morning's|evening's|friday's)\\s+){0,3}(?:${TREATMENT})\\b`;

const STOP =
  'stop(?:\\s+(?:taking|using|having|doing|going\\s+to))?|quit(?:\\s+(?:taking|using))?|skip(?:\\s+taking)?|ditch|drop|cut\\s+out|come\\s+off(?:\\s+of)?|get\\s+off(?:\\s+of)?|give\\s+up|miss|pause|ignore|bin|chuck|forget\\s+about|throw\\s+away|refuse|cancel';
const CHANGE =
  'double(?:\\s+up(?:\\s+on)?)?|triple|halve|increase|decrease|reduce|lower|raise|up|cut\\s+(?:down|back)(?:\\s+on)?|change|adjust|tweak|split|switch(?:\\s+from)?|swap(?:\\s+out)?|take\\s+(?:more|less|extra|double|twice|half|an\\s+extra|a\\s+double|two|another)(?:\\s+of)?';
// Verbs that are about medication on their own, so "stop taking them" needs no named drug.
const STOP_PRONOUN = '(?:stop|quit|skip)\\s+taking\\s+(?:it|them)|stop\\s+using\\s+(?:it|them)|(?:come|get)\\s+off\\s+them|(?:double|halve|triple)\\s+it';
const AMOUNT =
  "(?:twice|double|half|three\\s+times|triple)\\s+(?:as\\s+much|as\\s+many|the\\s+(?:dose|amount)|your\\s+dose|what\\s+(?:you\\s+are|you're|youre)\\s+(?:on|prescribed|taking))";
const TAKE = 'take|use|start|need|go\\s+to|keep\\s+taking|continue|bother(?:\\s+(?:with|taking|having|doing|going\\s+to))?';

// Bounded, so a run of "just just just…" cannot make matching quadratic.
const ADVERBS = '(?:(?:just|really|definitely|probably|totally|honestly|simply|seriously|maybe|also|then|and|so|even|actually|literally|always)\\s+){0,3}';
const YOU = '(?<!\\b(?:if|when|unless|whether|until|once)\\s+)\\b(?:you|u|ya)\\s+';
const POSITIVE_MODAL =
  "(?:should|must|need\\s+to|have\\s+to|ought\\s+to|'ve\\s+got\\s+to|ve\\s+got\\s+to|have\\s+got\\s+to|got\\s+to|gotta|could|can|might\\s+want\\s+to|may\\s+want\\s+to|want\\s+to|'d\\s+better|d\\s+better|had\\s+better|better)";
const NEGATIVE_MODAL =
  "(?:shouldn't|shouldnt|should\\s+not|mustn't|mustnt|must\\s+not|don't\\s+need\\s+to|dont\\s+need\\s+to|do\\s+not\\s+need\\s+to|don't\\s+have\\s+to|dont\\s+have\\s+to|do\\s+not\\s+have\\s+to|needn't|neednt|should\\s+never|must\\s+never|never|don't|dont|do\\s+not)";
// Start of a sentence or clause, where an imperative ("Double your dose.") stands on its own.
const CLAUSE_START = "(?:^|[,;:(\\-]|\\bwhy\\s+not|\\bwhy\\s+(?:don't|dont|do\\s+not)\\s+you)\\s*";

// "just" makes an imperative of a bare verb, unless someone else is the subject: "I just stop taking them".
const JUST = "(?<!\\b(?:i|i'd|id|i'll|i'm|im|we|they|he|she|it)\\s+(?:\\w+\\s+)?)\\b(?:just|simply)\\s+";
const POSITIVE_FRAME = `(?:${YOU}${ADVERBS}${POSITIVE_MODAL}\\s+|${JUST}|${CLAUSE_START})${ADVERBS}`;
const NEGATIVE_FRAME = `(?:${YOU}${NEGATIVE_MODAL}\\s+|${CLAUSE_START}${ADVERBS}(?:don't|dont|do\\s+not|never)\\s+|\\bno\\s+need\\s+to\\s+)${ADVERBS}`;

interface AdvicePattern {
  label: string;
  pattern: RegExp;
  /** Only counts when the sentence also says "if I were you" or the like. */
  needsIfIWereYou?: boolean;
}

const re = (source: string): RegExp => new RegExp(source, 'g');

const PATTERNS: AdvicePattern[] = [
  { label: 'instruction to stop or skip treatment', pattern: re(`${POSITIVE_FRAME}(?:${STOP})\\s+${OBJECT}`) },
  { label: 'instruction to stop or skip treatment', pattern: re(`${POSITIVE_FRAME}(?:${STOP_PRONOUN})\\b`) },
  { label: 'instruction to change a dose', pattern: re(`${POSITIVE_FRAME}(?:${CHANGE})\\s+${OBJECT}`) },
  { label: 'instruction to change a dose', pattern: re(`${POSITIVE_FRAME}(?:take|have|use)\\s+${AMOUNT}\\b`) },
  // "…always take less", "just take more": the treatment is named elsewhere in the sentence (see MENTIONS_TREATMENT).
  {
    label: 'instruction to change a dose',
    pattern: re(`${POSITIVE_FRAME}(?:take|have|use)\\s+(?:less|more|extra|double|half)(?=\\s*(?:$|[,;]|than\\b|of\\s+(?:it|them|your|ur)\\b))`),
  },
  {
    label: 'instruction to change a dose',
    pattern: re(`\\btry\\s+${ADVERBS}(?:taking|having|using)\\s+(?:${AMOUNT}|(?:more|less|extra|double|half)\\b)`),
  },
  {
    label: 'instruction to stop or skip treatment',
    pattern: re(`\\btry\\s+${ADVERBS}(?:stopping|skipping|quitting|coming\\s+off|cutting\\s+out|dropping|ditching|missing)\\s+(?:${OBJECT}|(?:it|them)\\b)`),
  },
  {
    label: 'instruction to change a dose',
    pattern: re(`\\btry\\s+${ADVERBS}(?:doubling|halving|reducing|lowering|increasing|upping|cutting\\s+down\\s+on)\\s+(?:${OBJECT}|(?:it|them)\\b)`),
  },
  { label: 'instruction not to take treatment', pattern: re(`${NEGATIVE_FRAME}(?:${TAKE})\\s+${OBJECT}`) },
  {
    label: 'instruction to stop or skip treatment',
    pattern: re(`\\b(?:i'd|id|i\\s+would)\\s+${ADVERBS}(?:${STOP}|${CHANGE})\\s+(?:${OBJECT}|(?:it|them)\\b)`),
    needsIfIWereYou: true,
  },
  // "throw the statins in the bin", "cut your pred dose in half", "take your tablets every other day".
  { label: 'instruction to stop or skip treatment', pattern: re(`${POSITIVE_FRAME}(?:throw|put|chuck|flush)\\s+${OBJECT}\\s+(?:in|into|down|away)\\b`) },
  { label: 'instruction to change a dose', pattern: re(`${POSITIVE_FRAME}(?:cut|split|break)\\s+${OBJECT}(?:\\s+dose)?\\s+in\\s+(?:half|two|quarters)\\b`) },
  {
    label: 'instruction to change a dose',
    pattern: re(
      `${POSITIVE_FRAME}(?:take|have|do|use)\\s+${OBJECT}\\s+(?:every\\s+other\\s+day|on\\s+alternate\\s+days|every\\s+(?:two|2|few)\\s+days|less\\s+often|once\\s+a\\s+week|when\\s+you\\s+feel\\s+like\\s+it|only\\s+when)\\b`,
    ),
  },
  { label: 'instruction to change a dose', pattern: re(`${POSITIVE_FRAME}cut\\s+${OBJECT}\\s+(?:right\\s+)?(?:down|back)\\b`) },
  {
    label: 'instruction to change a dose',
    pattern: re(`${POSITIVE_FRAME}(?:take|have|use)\\s+(?:\\d+|one|two|three|a\\s+couple\\s+of|a\\s+few)\\s+(?:extra|more)\\s+${OBJECT}`),
  },
];

const IF_I_WERE_YOU = /\bif\s+i\s+(?:were|was)\s+you\b|\bin\s+your\s+(?:shoes|position|place)\b/;
const WHY_NOT_QUESTION = /^\s*(?:why\s+(?:don't|dont|do\s+not|not)\b|have\s+you\s+(?:tried|thought\s+about)\b)/;

// Pointing someone to their clinical team is what the agreement asks for; "without telling your GP" is the opposite.
const CONSULT =
  /(?<!\b(?:don't|dont|do\s+not|never|no\s+need\s+to|without|instead\s+of|rather\s+than|forget|ignore)\s+(?:\w+\s+)?)\b(?:ask|asking|speak|speaking|talk|talking|check|checking|discuss|discussing|consult|consulting|call|ring|phone|contact|see|mention|run\s+it\s+by|raise\s+it\s+with|bring\s+it\s+up\s+with)\b[^.!?]{0,30}?\b(?:your|ur|a|the|their)\s+(?:own\s+)?(?:(?:renal|kidney|transplant|dialysis|diabetes|specialist|hospital|medical|clinical|care|unit|ward|pd|hd|home|haemodialysis)\s+)*(?:team|nurses?|doctors?|dr|consultant|gp|pharmacist|unit|specialist|clinic|registrar|nephrologist|dietitian|dietician|prescriber|surgeon|coordinator|physician)\b/;

// Every pattern needs a treatment, "it"/"them" or an amount, so most sentences are skipped with one cheap test.
const MENTIONS_TREATMENT = new RegExp(`\\b(?:${TREATMENT}|it|them|twice|double|half|triple)\\b`);

interface Sentence {
  start: number;
  text: string;
  question: boolean;
}

function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const splitter = /[^.!?\n]+[.!?\n]*/g;
  for (const m of allMatches(splitter, text)) {
    const raw = m[0];
    const body = raw.replace(/[.!?\n\s]+$/, '');
    out.push({ start: m.index ?? 0, text: body, question: raw.trimEnd().endsWith('?') });
  }
  return out;
}

export function screenMedicalAdvice(n: NormalisedText): ScreenVerdict[] {
  const matches: GuardedMatch[] = [];
  for (const sentence of sentences(n.text)) {
    if (sentence.question && !WHY_NOT_QUESTION.test(sentence.text)) continue;
    if (!MENTIONS_TREATMENT.test(sentence.text) || CONSULT.test(sentence.text)) continue;
    const ifIWereYou = IF_I_WERE_YOU.test(sentence.text);
    for (const { label, pattern, needsIfIWereYou } of PATTERNS) {
      if (needsIfIWereYou && !ifIWereYou) continue;
      for (const m of allMatches(pattern, sentence.text)) {
        // The span starts at the first word, not at the comma or space that opened the clause.
        const lead = m[0].search(/[\p{L}\p{N}]/u);
        if (lead < 0) continue;
        const start = sentence.start + (m.index ?? 0) + lead;
        matches.push({ label, span: toOriginalSpan(n, start, sentence.start + (m.index ?? 0) + m[0].length, 'text') });
      }
    }
  }
  if (matches.length === 0) return [];
  const { labels, spans } = summarise(matches);
  return [
    {
      action: 'hold',
      source: 'medical-advice',
      clauseKey: CLAUSE.experienceNotInstructions,
      detail: `treatment advice: ${labels.join(', ')}`,
      spans,
    },
  ];
}
