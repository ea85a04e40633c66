import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { AccountTokenPurpose } from './account-token.entity';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  /** A new token; the returned id names the mail that carries it (its message id). */
  async issue(
    runner: EntityManager | DataSource,
    userId: string,
    purpose: AccountTokenPurpose,
    newEmail: string | null = null,
  ): Promise<{ id: string; token: string }> {
    const token = newSessionToken();
    const rows = (await (runner ?? this.dataSource).query(
      `INSERT INTO account_tokens (user_id, purpose, token_hash, new_email, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING id`,
      [userId, purpose, hashToken(token), newEmail, TOKEN_LIFETIME_SECONDS[purpose]],
    )) as Array<{ id: string }>;
    return { id: rows[0]!.id, token };
  }

  /** `<PUBLIC_URL>/<page>`, with the token when there is one. */
  link(page: 'verify-email' | 'reset-password' | 'sign-in' | 'forgot-password', token?: string): string {
    return `${this.config.publicUrl}/${page}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
}
