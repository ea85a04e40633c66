import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import { User } from './user.entity';

/** Which unique index of `users` refused a row written at the same moment as another. */
export type UniqueUserField = 'email' | 'display-name' | 'display-name-skeleton' | 'other';

const UNIQUE_INDEXES: Record<string, UniqueUserField> = {
  users_email_normalised_key: 'email',
  users_display_name_normalised_key: 'display-name',
  users_display_name_skeleton_key: 'display-name-skeleton',
};

/**
 * A write refused by a unique index: the checks before it passed, but another request took the
 * address or the name in between. Services turn it into their answer (a 409, or a link that no
 * longer works).
 */
export class UniqueViolation extends Error {
  constructor(readonly field: UniqueUserField) {
    super(`unique index refused the row (${field})`);
  }
}

/** The account a registration's address, name or look-alike name already belongs to. */
export interface UserClash {
  id: string;
  email: string;
  verified: boolean;
  emailTaken: boolean;
  nameTaken: boolean;
  skeletonTaken: boolean;
}

export interface NewUser {
  email: string;
  emailNormalised: string;
  passwordHash: string;
  displayName: string;
  displayNameNormalised: string;
  displayNameSkeleton: string;
  dateOfBirth: string;
  emailVerifiedAt: Date | null;
}

/** What a member says about themselves, and whether others see them online in chat. */
export interface Profile {
  aboutMe: string | null;
  showOnline: boolean;
}

/** What signing in, or re-checking a password, needs of an account. */
export interface Credentials {
  id: string;
  email: string;
  emailNormalised: string;
  displayName: string;
  passwordHash: string;
  emailVerifiedAt: Date | null;
}

interface CredentialsRow {
  id: string;
  email: string;
  email_normalised: string;
  display_name: string;
  password_hash: string;
  email_verified_at: Date | null;
}

const CREDENTIALS = `id, email, email_normalised, display_name, password_hash, email_verified_at`;

function credentials(row: CredentialsRow | undefined): Credentials | null {
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    emailNormalised: row.email_normalised,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    emailVerifiedAt: row.email_verified_at,
  };
}

/** Every query of `users`: accounts, their addresses, names and passwords. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Accounts that already have the address, the name or a look-alike of the name. */
  async clashes(tx: Tx, key: { emailNormalised: string; displayNameNormalised: string; skeleton: string }): Promise<UserClash[]> {
    const rows = (await manager(tx).query(
      `SELECT id, email, email_verified_at IS NOT NULL AS verified,
              email_normalised = $1 AS email_taken, display_name_normalised = $2 AS name_taken, display_name_skeleton = $3 AS skeleton_taken
         FROM users
        WHERE email_normalised = $1 OR display_name_normalised = $2 OR display_name_skeleton = $3`,
      [key.emailNormalised, key.displayNameNormalised, key.skeleton],
    )) as Array<{ id: string; email: string; verified: boolean; email_taken: boolean; name_taken: boolean; skeleton_taken: boolean }>;
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      verified: r.verified,
      emailTaken: r.email_taken,
      nameTaken: r.name_taken,
      skeletonTaken: r.skeleton_taken,
    }));
  }

  /** A new account, not an admin. Throws UniqueViolation when the address or name was taken meanwhile. */
  async insert(tx: Tx, user: NewUser): Promise<{ id: string; email: string; displayName: string }> {
    const rows = (await unique(
      manager(tx).query(
        `INSERT INTO users (email, email_normalised, password_hash, display_name, display_name_normalised, display_name_skeleton, date_of_birth, is_admin, email_verified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8) RETURNING id, email, display_name`,
        [
          user.email,
          user.emailNormalised,
          user.passwordHash,
          user.displayName,
          user.displayNameNormalised,
          user.displayNameSkeleton,
          user.dateOfBirth,
          user.emailVerifiedAt,
        ],
      ),
    )) as Array<{ id: string; email: string; display_name: string }>;
    return { id: rows[0]!.id, email: rows[0]!.email, displayName: rows[0]!.display_name };
  }

  /** Other accounts whose name is this one (`nameTaken`) or looks like it. */
  async nameClashes(userId: string, displayNameNormalised: string, skeleton: string): Promise<Array<{ nameTaken: boolean }>> {
    const rows = (await this.dataSource.query(
      `SELECT display_name_normalised = $2 AS name_taken FROM users WHERE id <> $1 AND (display_name_normalised = $2 OR display_name_skeleton = $3)`,
      [userId, displayNameNormalised, skeleton],
    )) as Array<{ name_taken: boolean }>;
    return rows.map((r) => ({ nameTaken: r.name_taken }));
  }

  /** Throws UniqueViolation when the name or its look-alike was taken meanwhile. */
  async rename(userId: string, name: { displayName: string; displayNameNormalised: string; skeleton: string }): Promise<void> {
    await unique(
      this.dataSource.query(`UPDATE users SET display_name = $2, display_name_normalised = $3, display_name_skeleton = $4 WHERE id = $1`, [
        userId,
        name.displayName,
        name.displayNameNormalised,
        name.skeleton,
      ]),
    );
  }

  /** The member's own profile settings: the short "about me" and whether they appear as online in chat. */
  async profile(userId: string): Promise<Profile | null> {
    const rows = (await this.dataSource.query(`SELECT about_me, show_online FROM users WHERE id = $1`, [userId])) as Array<{
      about_me: string | null;
      show_online: boolean;
    }>;
    const row = rows[0];
    return row ? { aboutMe: row.about_me, showOnline: row.show_online } : null;
  }

  async setAboutMe(userId: string, aboutMe: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE users SET about_me = $2 WHERE id = $1`, [userId, aboutMe]);
  }

  async setShowOnline(userId: string, showOnline: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE users SET show_online = $2 WHERE id = $1`, [userId, showOnline]);
  }

  /** Of these people, those with an account who have not turned off being shown as online. */
  async shownOnline(userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.dataSource.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND show_online`, [userIds])) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** The account's public and profile columns (no hashes, no normalised keys). */
  find(userId: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { id: userId } });
  }

  /** As `find`, for a caller that holds a session of the account: its absence is a fault, not an answer. */
  findOrFail(userId: string): Promise<User> {
    return this.dataSource.getRepository(User).findOneOrFail({ where: { id: userId } });
  }

  async credentialsById(userId: string): Promise<Credentials | null> {
    const rows = (await this.dataSource.query(`SELECT ${CREDENTIALS} FROM users WHERE id = $1`, [userId])) as CredentialsRow[];
    return credentials(rows[0]);
  }

  async credentialsByEmail(emailNormalised: string): Promise<Credentials | null> {
    const rows = (await this.dataSource.query(`SELECT ${CREDENTIALS} FROM users WHERE email_normalised = $1`, [emailNormalised])) as CredentialsRow[];
    return credentials(rows[0]);
  }

  async findByEmail(emailNormalised: string): Promise<{ id: string; email: string } | null> {
    const rows = (await this.dataSource.query(`SELECT id, email FROM users WHERE email_normalised = $1`, [emailNormalised])) as Array<{
      id: string;
      email: string;
    }>;
    return rows[0] ?? null;
  }

  /** The verified account with this address, if any. */
  async verifiedIdByEmail(emailNormalised: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT id FROM users WHERE email_normalised = $1 AND email_verified_at IS NOT NULL`, [
      emailNormalised,
    ])) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  async displayNames(userIds: string[]): Promise<Array<{ id: string; displayName: string }>> {
    const rows = (await this.dataSource.query(`SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])`, [userIds])) as Array<{
      id: string;
      display_name: string;
    }>;
    return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  /** The verified addresses of those of the users who have one (notifications mail only to these). */
  async verifiedAddresses(userIds: string[]): Promise<Array<{ id: string; email: string }>> {
    return (await this.dataSource.query(`SELECT id, email FROM users WHERE id = ANY($1::uuid[]) AND email_verified_at IS NOT NULL`, [userIds])) as Array<{
      id: string;
      email: string;
    }>;
  }

  /** Ids of the accounts with these normalised display names (for @mentions). */
  async idsByNormalisedNames(names: string[], tx: Tx = asTx(this.dataSource.manager)): Promise<Array<{ id: string; name: string }>> {
    return (await manager(tx).query(`SELECT id, display_name_normalised AS name FROM users WHERE display_name_normalised = ANY($1::text[])`, [
      names,
    ])) as Array<{
      id: string;
      name: string;
    }>;
  }

  /** People whose display name contains `text` (any case), at most `limit`: for finding a member by name. */
  async idsNamedLike(text: string, limit: number): Promise<string[]> {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = (await this.dataSource.query(`SELECT id FROM users WHERE display_name ILIKE $1 ESCAPE '\\' LIMIT $2`, [pattern, limit])) as Array<{
      id: string;
    }>;
    return rows.map((r) => r.id);
  }

  async adminIds(): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT id FROM users WHERE is_admin`)) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** An admin, whose address the operator vouches for: verified if it was not. */
  async makeAdmin(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET is_admin = true, email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [userId]);
  }

  async markVerified(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [userId]);
  }

  /** The account moves to a new, verified address. Throws UniqueViolation when another account has it. */
  async moveToEmail(tx: Tx, userId: string, email: string, emailNormalised: string): Promise<void> {
    await unique(
      manager(tx).query(`UPDATE users SET email = $2, email_normalised = $3, email_verified_at = now() WHERE id = $1`, [userId, email, emailNormalised]),
    );
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
  }

  /** A password set through a mailed link, which also proves the address. */
  async resetPassword(tx: Tx, userId: string, passwordHash: string): Promise<void> {
    await manager(tx).query(`UPDATE users SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
  }

  /** The account goes; its sessions, consent records and mailed links go with it (ON DELETE CASCADE). */
  async delete(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM users WHERE id = $1`, [userId]);
  }
}

/** The write, with a unique index's refusal as a UniqueViolation. */
async function unique<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : null;
    if (driverError?.code !== '23505') throw error;
    throw new UniqueViolation(UNIQUE_INDEXES[driverError.constraint ?? ''] ?? 'other');
  }
}
