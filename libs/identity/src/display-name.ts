import { Injectable } from '@nestjs/common';
import unhomoglyph from 'unhomoglyph';

// Characters that show nothing or only space: whitespace of every kind, default-ignorable code points
// (zero-width spaces and joiners, bidi controls, soft hyphen, variation selectors, blank Hangul
// fillers, the combining grapheme joiner), other format characters, and the blank Braille pattern.
const INVISIBLE_OR_SPACE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

/**
 * The confusable skeleton of a display name (after UTS #39, section 4): two names with the same
 * skeleton look alike, so only one of them may be in use. Compatibility forms are folded (NFKC),
 * invisible characters and every kind of whitespace are dropped, and each character is mapped to
 * its prototype in Unicode's confusables table (`unhomoglyph`) before and after folding case, so
 * "ѕupA" (Cyrillic ѕ), "SUPA", "sup a" and "ｓｕｐａ" all have the skeleton of "supA".
 *
 * Mapping before folding case matters: capitals have look-alikes of their own (Greek Η passes for
 * H, while its small η passes for n), so "ΗΑΝΝΑΗ" meets "Hannah". The price is that a few letters
 * of other scripts have a different skeleton in each case; the same name in another case is
 * refused anyway, by `display_name_normalised`. In Latin script the skeleton ignores case, which
 * takes i and l as one letter (a capital I passes for an l): "BILL", "BiII" and "Bill" meet, and so,
 * refusing a few honest names, do "Kim" and "Klm".
 *
 * Like UTS #39's, a skeleton is only for comparing: it is never shown. The migration that stored
 * the existing names' skeletons keeps its own copy of this function; a test checks that the two
 * agree, so a change here comes with a migration that recomputes them.
 */
export function displayNameSkeleton(name: string): string {
  const folded = name.normalize('NFKC').replace(INVISIBLE_OR_SPACE, '');
  // Mapped before folding case, as capitals have look-alikes of their own (Greek Η passes for H,
  // though its small η passes for n), and again after it, as a prototype may be a capital ("0" → "O").
  const mapped = unhomoglyph(unhomoglyph(folded).toLowerCase()).toLowerCase();
  // A capital I passes for a small l, but a small i does not: so that "BILL" and "Bill" meet as
  // well as "BiII" and "Bill", i and l are one letter here.
  return mapped.replace(/i/g, 'l').normalize('NFKC');
}

/**
 * Brackets let a member say what they are ("Sam (volunteer)", "Jo (carer)"), so a bracketed word
 * must not claim a role Kindred gives: a name that says admin, moderator, supporter, staff, team,
 * official or Kindred, in any spelling the skeleton folds together ("Sam (Supp0rter)", "Ѕam
 * (ADMIN)"), is refused, bracketed or not. The roles members see are shown by the app itself,
 * never by a name.
 */
const CLAIMED_ROLES = ['admin', 'moderator', 'mod', 'supporter', 'staff', 'team', 'official', 'kindred'];
const CLAIMED_ROLE_SKELETONS = CLAIMED_ROLES.map((role) => displayNameSkeleton(role));

/** Plain-English reason a name claims a role Kindred gives, or null. */
export function roleClaim(displayName: string): string | null {
  // Word by word, each folded the way look-alike names are: "(Supp0rter)" and "ѕupporter" both claim.
  const words = displayName
    .normalize('NFKC')
    .split(/[\s()_.'-]+/u)
    .filter(Boolean);
  const claims = words.some((word) => CLAIMED_ROLE_SKELETONS.includes(displayNameSkeleton(word)));
  return claims
    ? 'Please choose a name that does not say you are an admin, supporter, moderator or part of the Kindred team: the site shows who has those roles.'
    : null;
}

/** A reason a display name may not be used, in plain English, or null when it may. */
export type DisplayNameCheck = (displayName: string) => string | null;

/**
 * What a display name may say is decided by the platform's screeners, which live in moderation
 * (which itself depends on identity): the moderation module registers its check here at start-up.
 * Without one, names are refused rather than let through unscreened.
 */
@Injectable()
export class DisplayNameScreen {
  private check: DisplayNameCheck | null = null;
  private aboutCheck: DisplayNameCheck | null = null;

  use(check: DisplayNameCheck): void {
    this.check = check;
  }

  /** The check for a member's "about me", which is held to a display name's standard (with words of its own). */
  useForAboutMe(check: DisplayNameCheck): void {
    this.aboutCheck = check;
  }

  aboutMeProblem(aboutMe: string): string | null {
    if (!this.aboutCheck) throw new Error('No about-me screen is registered: import the moderation module, or register one with DisplayNameScreen.useForAboutMe()');
    return this.aboutCheck(aboutMe);
  }

  problem(displayName: string): string | null {
    if (!this.check) throw new Error('No display-name screen is registered: import the moderation module, or register one with DisplayNameScreen.use()');
    return this.check(displayName);
  }
}

/** What others see in place of a name once its account is gone. */
export const FORMER_MEMBER = 'Former member';

/** A person as others see them: their display name from `names`, or "Former member" once the account is gone. */
export function personSeen(userId: string, names: ReadonlyMap<string, string>): { id: string; displayName: string } {
  return { id: userId, displayName: names.get(userId) ?? FORMER_MEMBER };
}
