import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import type { Tx } from '@kindred/database';
import { AccountTokenPurpose } from './account-token.entity';
import { AccountTokensRepository } from './account-tokens.repository';
import { hashToken, newSessionToken } from './tokens';

/** How long each kind of mailed link works. */
export const TOKEN_LIFETIME_SECONDS: Record<AccountTokenPurpose, number> = {
  'verify-email': 24 * 3600,
  'change-email': 24 * 3600,
  'reset-password': 30 * 60,
};

/** Issues the single-use links Kindred mails (256 random bits, stored as SHA-256), and builds the addresses of its pages. */
@Injectable()
export class AccountTokens {
  constructor(
    private readonly tokens: AccountTokensRepository,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  /** A new token; the returned id names the mail that carries it (its message id). In the caller's transaction when given one. */
  async issue(userId: string, purpose: AccountTokenPurpose, options: { newEmail?: string; tx?: Tx } = {}): Promise<{ id: string; token: string }> {
    const token = newSessionToken();
    const id = await this.tokens.insert(
      { userId, purpose, tokenHash: hashToken(token), newEmail: options.newEmail ?? null, lifetimeSeconds: TOKEN_LIFETIME_SECONDS[purpose] },
      options.tx,
    );
    return { id, token };
  }

  /** Deletes links used, or run out, more than a week ago; how many went. */
  prune(): Promise<number> {
    return this.tokens.pruneSpent();
  }

  /** `<PUBLIC_URL>/<page>`, with the token when there is one. */
  link(page: 'verify-email' | 'reset-password' | 'sign-in' | 'forgot-password', token?: string): string {
    return `${this.config.publicUrl}/${page}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
}
