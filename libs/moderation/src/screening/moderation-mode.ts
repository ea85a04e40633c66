import type { ScreenVerdict } from './screening.types';

export type ModerationMode = 'pre' | 'post' | 'first-posts';
export type OutOfCoverageMode = 'pre' | 'post' | 'readonly';

export interface ModerationModeContext {
  mode: ModerationMode;
  /** How many of a member's first posts are held under `first-posts`. */
  firstPostsHeld: number;
  /** How many of the author's items a moderator has approved. */
  authorApprovedCount: number;
  /** Supporters and admins: their own words are never held by the mode. */
  authorIsModerator: boolean;
  /** Whether a moderator is on cover right now. */
  covered: boolean;
  outOfCoverage: OutOfCoverageMode;
}

/**
 * Holds that come from the group's settings rather than the words. Every applicable reason is returned, so a
 * reviewer sees all of them. `readonly` out of cover refuses the write before screening, so it adds nothing here.
 */
export function modeVerdicts(ctx: ModerationModeContext): ScreenVerdict[] {
  if (ctx.authorIsModerator) return [];
  const verdicts: ScreenVerdict[] = [];
  if (ctx.mode === 'pre') {
    verdicts.push({ action: 'hold', source: 'pre-moderation', detail: 'the group checks every post before it appears' });
  }
  if (ctx.mode === 'first-posts' && ctx.authorApprovedCount < ctx.firstPostsHeld) {
    verdicts.push({
      action: 'hold',
      source: 'first-posts',
      detail: `one of the member's first ${ctx.firstPostsHeld} posts (${ctx.authorApprovedCount} approved so far)`,
    });
  }
  if (!ctx.covered && ctx.outOfCoverage === 'pre') {
    verdicts.push({ action: 'hold', source: 'out-of-coverage', detail: 'posted while no moderator is on cover' });
  }
  return verdicts;
}

/** Members past their first posts skip the link hold as well. */
export function isTrustedAuthor(ctx: Pick<ModerationModeContext, 'authorIsModerator' | 'authorApprovedCount' | 'firstPostsHeld'>): boolean {
  return ctx.authorIsModerator || ctx.authorApprovedCount >= ctx.firstPostsHeld;
}
