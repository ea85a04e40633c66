import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AccountTokenPurpose = 'verify-email' | 'reset-password' | 'change-email';

/** A link mailed to someone: kept only as a hash, for one purpose, used once, until it expires. */
@Entity('account_tokens')
export class AccountToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  purpose: AccountTokenPurpose;

  /** SHA-256 of the token in the link: a stolen table cannot be used to follow one. */
  @Column('text', { name: 'token_hash', select: false })
  tokenHash: string;

  /** For a change of email: the address the account moves to once the link is followed. */
  @Column('text', { name: 'new_email', nullable: true })
  newEmail: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;
}
