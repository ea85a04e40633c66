import { screenCrisis } from '../screening/crisis.screener';
import { screenLinks } from '../screening/links.screener';
import { normalise } from '../screening/normalise';
import { screenPersonalData } from '../screening/personal-data.screener';
import { compileRules, screenWatchedWords, type WatchedWordRule } from '../screening/watched-words.screener';

/**
 * Words no display name may carry, on every group at once (group rules only ever apply inside a
 * group, and a name is seen in all of a member's groups). Matched as whole words on normalised,
 * leetspeak-folded text by the same matcher as group rules.
 */
const ABUSIVE_WORDS = [
  'bastard',
  'bitch',
  'cunt',
  'dickhead',
  'fag',
  'faggot',
  'fuck',
  'fucker',
  'idiot',
  'moron',
  'motherfucker',
  'nazi',
  'nigger',
  'nonce',
  'paedo',
  'pedo',
  'retard',
  'shit',
  'slag',
  'slut',
  'spastic',
  'twat',
  'wanker',
  'whore',
];

const ABUSE = compileRules(ABUSIVE_WORDS.map((pattern, i): WatchedWordRule => ({ id: `display-name-${i}`, pattern, match: 'word', action: 'block' })));

export const DISPLAY_NAME_PROBLEM = {
  personalData:
    'A display name cannot include anything that could identify you or reach you, such as a phone number, email address, NHS number, postcode or street address. Please choose another.',
  crisis:
    'A display name cannot include words about harming yourself or ending your life. Please choose another. If you are struggling right now, you can call Samaritans free on 116 123, any time.',
  abusive: 'A display name cannot include offensive words. Please choose another.',
  link: 'A display name cannot include a web address. Please choose another.',
} as const;

/**
 * Whether a display name may be used, by the platform's screeners on its normalised text: the
 * reason in plain English, or null. A name is seen by everyone in every group the member joins,
 * and nobody reviews it first, so anything a screener would hold is refused outright.
 */
export function displayNameProblem(displayName: string): string | null {
  return profileTextProblem(displayName, DISPLAY_NAME_PROBLEM);
}

export const ABOUT_ME_PROBLEM = {
  personalData:
    'What you say about yourself cannot include anything that could identify you or reach you, such as a phone number, email address, NHS number, postcode or street address. Please take it out.',
  crisis:
    'What you say about yourself cannot include words about harming yourself or ending your life. If you are struggling right now, you can call Samaritans free on 116 123, any time, or use “Need help now?”.',
  abusive: 'What you say about yourself cannot include offensive words. Please take them out.',
  link: 'What you say about yourself cannot include a web address. Please take it out.',
} as const;

/**
 * Whether a member's "about me" may be shown, by the same rule as a display name: members of every
 * group they share read it and nobody reviews it first, so whatever a screener would hold is refused
 * outright, with the reason in plain English.
 */
export function aboutMeProblem(aboutMe: string): string | null {
  return profileTextProblem(aboutMe, ABOUT_ME_PROBLEM);
}

function profileTextProblem(text: string, problems: Record<'personalData' | 'crisis' | 'abusive' | 'link', string>): string | null {
  const n = normalise(text);
  if (screenPersonalData(n).length > 0) return problems.personalData;
  if (screenCrisis(n).length > 0) return problems.crisis;
  if (screenWatchedWords(ABUSE, n).length > 0) return problems.abusive;
  if (screenLinks(n, { authorTrusted: false }).length > 0) return problems.link;
  return null;
}
