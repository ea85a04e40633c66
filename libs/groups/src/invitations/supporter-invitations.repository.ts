import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';

export interface SupporterInvitation {
  id: string;
  groupId: string;
  /** Kept while the invitation may still be used; cleared once it is accepted. */
  email: string;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, group_id, email, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at`;

interface Row {
  id: string;
  group_id: string;
  email: string;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
}

function toInvitation(r: Row): SupporterInvitation {
  return {
    id: r.id,
    groupId: r.group_id,
    email: r.email,
    invitedBy: r.invited_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    acceptedAt: r.accepted_at,
    acceptedBy: r.accepted_by,
    revokedAt: r.revoked_at,
  };
}

/** `supporter_invitations`: an admin's invitation, by email, to be a group's supporter. */
@Injectable()
export class SupporterInvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: Tx, values: { groupId: string; email: string; tokenHash: string; invitedBy: string; expiresAt: Date }): Promise<SupporterInvitation> {
    const [row] = (await manager(tx).query(
      `INSERT INTO supporter_invitations (group_id, email, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [values.groupId, values.email, values.tokenHash, values.invitedBy, values.expiresAt],
    )) as Row[];
    return toInvitation(row!);
  }

  /** A group's invitations, newest first. */
  async list(groupId: string, limit: number): Promise<SupporterInvitation[]> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM supporter_invitations WHERE group_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [
      groupId,
      limit,
    ])) as Row[];
    return rows.map(toInvitation);
  }

  /** Revokes an invitation of the group that is neither accepted nor revoked; null when there is none. */
  async revoke(tx: Tx, groupId: string, id: string): Promise<SupporterInvitation | null> {
    const [rows] = (await manager(tx).query(
      `UPDATE supporter_invitations SET revoked_at = now()
        WHERE id = $1 AND group_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
        RETURNING ${COLUMNS}`,
      [id, groupId],
    )) as [Row[], number];
    return rows[0] ? toInvitation(rows[0]) : null;
  }

  async find(groupId: string, id: string): Promise<SupporterInvitation | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM supporter_invitations WHERE id = $1 AND group_id = $2`, [id, groupId])) as Row[];
    return rows[0] ? toInvitation(rows[0]) : null;
  }

  /** The invitation a token's hash names, locked for the rest of the transaction (so it is used once). */
  async lockByTokenHash(tx: Tx, tokenHash: string): Promise<SupporterInvitation | null> {
    const rows = (await manager(tx).query(`SELECT ${COLUMNS} FROM supporter_invitations WHERE token_hash = $1 FOR UPDATE`, [tokenHash])) as Row[];
    return rows[0] ? toInvitation(rows[0]) : null;
  }

  /** Used: who accepted and when; the address is not needed any more. */
  async markAccepted(tx: Tx, id: string, userId: string): Promise<void> {
    await manager(tx).query(`UPDATE supporter_invitations SET accepted_at = now(), accepted_by = $2, email = '' WHERE id = $1`, [id, userId]);
  }

  /** Erasure: the person is no longer named as having invited or accepted. */
  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE supporter_invitations SET invited_by = CASE WHEN invited_by = $1 THEN NULL ELSE invited_by END,
                                         accepted_by = CASE WHEN accepted_by = $1 THEN NULL ELSE accepted_by END
        WHERE invited_by = $1 OR accepted_by = $1`,
      [userId],
    );
  }
}
