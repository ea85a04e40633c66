import { Injectable } from '@nestjs/common';
import { Transactions, type Tx } from '@kindred/database';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { assertUuid } from '../ids';
import { generateReferralCode, normaliseReferralCode } from './referral-code';
import { GroupsRepository } from '../group/groups.repository';
import { ReferralCode } from './referral-code.entity';
import { ReferralCodesRepository } from './referral-codes.repository';
import { ConfigurationTrail } from '../configuration-trail';

export interface ReferralCodeInput {
  label: string;
  maxUses: number;
  expiresAt: string;
}

export interface ReferralCodeView {
  id: string;
  code: string;
  label: string;
  maxUses: number;
  uses: number;
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
}

const MAX_ATTEMPTS = 5;

@Injectable()
export class ReferralCodesService {
  constructor(
    private readonly repository: ReferralCodesRepository,
    private readonly groups: GroupsRepository,
    private readonly transactions: Transactions,
    private readonly trail: ConfigurationTrail,
  ) {}

  /** GET /groups/:groupId/referral-codes — every code of the group with its uses, newest first. */
  async list(admin: AuthUser, groupId: string): Promise<ReferralCodeView[]> {
    assertUuid(groupId, 'That group');
    if (!admin.isAdmin) throw DomainError.forbidden('Only admins can see referral codes.');
    if (!(await this.groups.exists(groupId))) throw DomainError.notFound('That group');
    return (await this.repository.list(groupId)).map(toView);
  }

  /** DELETE /groups/:groupId/referral-codes/:codeId — the code admits nobody from now on; revoking it again changes nothing. */
  async revoke(admin: AuthUser, groupId: string, codeId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    assertUuid(codeId, 'That referral code');
    if (!admin.isAdmin) throw DomainError.forbidden('Only admins can revoke referral codes.');
    await this.transactions.run(async (tx) => {
      const before = await this.repository.revoke(tx, groupId, codeId);
      if (!before) throw DomainError.notFound('That referral code');
      if (before.revokedAt) return;
      await this.trail.record(tx, {
        actorId: admin.id,
        groupId,
        action: 'referral-code.revoke',
        subjectType: 'referral-code',
        subjectId: codeId,
        before: { label: before.label, uses: before.uses, maxUses: before.maxUses, revoked: false },
        after: { label: before.label, uses: before.uses, maxUses: before.maxUses, revoked: true },
      });
    });
  }

  /** POST /groups/:groupId/referral-codes — a new code for clinicians to hand to patients. */
  async create(admin: AuthUser, groupId: string, input: ReferralCodeInput): Promise<ReferralCodeView> {
    assertUuid(groupId, 'That group');
    if (!admin.isAdmin) throw DomainError.forbidden('Only admins can create referral codes.');
    const expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
      throw DomainError.validation([{ field: 'expiresAt', message: 'The expiry must be a date and time in the future.' }]);
    }
    if (!(await this.groups.exists(groupId))) throw DomainError.notFound('That group');
    for (let attempt = 1; ; attempt += 1) {
      const values = {
        groupId,
        code: generateReferralCode(),
        label: input.label.trim(),
        maxUses: input.maxUses,
        uses: 0,
        expiresAt,
        createdBy: admin.id,
      };
      try {
        return toView(
          await this.transactions.run(async (tx) => {
            const row = await this.repository.insert(values, tx);
            // The code itself is a credential: the log names it by its label and limits, never the code.
            await this.trail.record(tx, {
              actorId: admin.id,
              groupId,
              action: 'referral-code.create',
              subjectType: 'referral-code',
              subjectId: row.id,
              before: null,
              after: { label: row.label, maxUses: row.maxUses, expiresAt: row.expiresAt.toISOString() },
            });
            return row;
          }),
        );
      } catch (error) {
        // A clash of random codes is astronomically rare; try a fresh one rather than fail.
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (code !== '23505' || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Takes one use of a code inside the caller's transaction, atomically: a single conditional
   * UPDATE, so two applicants racing for the last use cannot both get it. Returns the code's id,
   * or null when it is unknown, expired or used up (the application then waits for review).
   */
  async claim(tx: Tx, groupId: string, typed: string): Promise<string | null> {
    const code = normaliseReferralCode(typed);
    if (code === null) return null;
    return this.repository.claim(tx, groupId, code);
  }
}

function toView(r: ReferralCode): ReferralCodeView {
  return {
    id: r.id,
    code: r.code,
    label: r.label,
    maxUses: r.maxUses,
    uses: r.uses,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt ?? null,
  };
}
