import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { assertUuid } from '../ids';
import { generateReferralCode, normaliseReferralCode } from './referral-code';
import { GroupsRepository } from '../group/groups.repository';
import { ReferralCode } from './referral-code.entity';
import { ReferralCodesRepository } from './referral-codes.repository';

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
}

const MAX_ATTEMPTS = 5;

@Injectable()
export class ReferralCodesService {
  constructor(
    private readonly repository: ReferralCodesRepository,
    private readonly groups: GroupsRepository,
  ) {}

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
        return toView(await this.repository.insert(values));
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
  return { id: r.id, code: r.code, label: r.label, maxUses: r.maxUses, uses: r.uses, expiresAt: r.expiresAt, createdAt: r.createdAt };
}
