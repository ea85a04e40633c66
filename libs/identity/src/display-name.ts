import { Injectable } from '@nestjs/common';
import unhomoglyph from 'unhomoglyph';

// Characters that show nothing or only space: whitespace of every kind, format characters (zero-width
// spaces and joiners, bidi controls, soft hyphen), blank Hangul fillers and Braille blank, combining
// grapheme joiner, Mongolian and Khmer invisibles, and variation selectors.
const INVISIBLE_OR_SPACE = /[\p{White_Space}\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/gu;

/**
 * The confusable skeleton of a display name (after UTS #39, section 4): two names with the same
 * skeleton look alike, so only one of them may be in use. Compatibility forms are folded (NFKC),
 * invisible characters and every kind of whitespace are dropped, each character is mapped to its
 * prototype in Unicode's confusables table (`unhomoglyph`) before and after folding case, so "ѕupA"
 * (Cyrillic ѕ), "SUPA", "sup a" and "ｓｕｐａ" all have the skeleton of "supA". Like UTS #39's, a
 * skeleton is only for comparing: it is never shown.
 */
export function displayNameSkeleton(name: string): string {
  const folded = name.normalize('NFKC').replace(INVISIBLE_OR_SPACE, '');
  // Mapped before lower-casing too, so a capital I and a small l (both prototyped to l) still meet.
  return unhomoglyph(unhomoglyph(folded).toLowerCase()).toLowerCase().normalize('NFKC');
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

  use(check: DisplayNameCheck): void {
    this.check = check;
  }

  problem(displayName: string): string | null {
    if (!this.check) throw new Error('No display-name screen is registered: import the moderation module, or register one with DisplayNameScreen.use()');
    return this.check(displayName);
  }
}

/**
 * Skeletons for names chosen before skeletons were kept, oldest first: the oldest holder of each
 * skeleton keeps it, and any later look-alike gets it suffixed with its own id ("#" never ends up
 * in a skeleton of a name the API accepts), so the unique index can be built without renaming
 * anyone, and a new look-alike of any of them is still refused.
 */
export function backfillSkeletons(oldestFirst: ReadonlyArray<{ id: string; displayName: string }>): Array<{ id: string; skeleton: string }> {
  const taken = new Set<string>();
  return oldestFirst.map(({ id, displayName }) => {
    const skeleton = displayNameSkeleton(displayName);
    if (taken.has(skeleton)) return { id, skeleton: `${skeleton}#${id}` };
    taken.add(skeleton);
    return { id, skeleton };
  });
}
