export type ScreenAction = 'block' | 'hold' | 'flag' | 'mask';

export type ReasonSource = 'rule' | 'crisis' | 'personal-data' | 'medical-advice' | 'link' | 'first-posts' | 'out-of-coverage' | 'pre-moderation';

/** Offsets into the ORIGINAL text; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface ScreenVerdict {
  action: ScreenAction;
  source: ReasonSource;
  /** Short text for a reviewer. Never contains matched personal data. */
  detail: string;
  /** Agreement clause this verdict cites. */
  clauseKey?: string;
  /** Crisis language: a person must see this first. */
  urgent?: boolean;
  /** Where in the original text it matched; required for `mask`. */
  spans?: Span[];
  /** The watched-word rule that matched (source 'rule' only). */
  ruleId?: string;
}

/** Agreement clause keys cited by the platform screeners (see DESIGN.md, "Defaults a new group starts with"). */
export const CLAUSE = {
  stayUnidentifiable: 'stay-unidentifiable',
  experienceNotInstructions: 'experience-not-instructions',
  noSellingOrRecruiting: 'no-selling-or-recruiting',
  lookOutForEachOther: 'look-out-for-each-other',
} as const;
