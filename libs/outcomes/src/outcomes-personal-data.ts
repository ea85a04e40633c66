import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { CommissionersRepository } from './commissioners/commissioners.repository';
import { QuestionnairesRepository } from './questionnaires/questionnaires.repository';

/**
 * Outcome questionnaires sent to a member and their answers (how they feel about living with their
 * condition: health data, theirs), and any commissioner role they hold. Exported whole; erased
 * with the account. The impact report keeps no copy: its figures are counted afresh each time.
 */
@Injectable()
export class OutcomesPersonalData implements PersonalDataContributor {
  readonly section = 'outcomes';

  constructor(
    private readonly questionnaires: QuestionnairesRepository,
    private readonly commissioners: CommissionersRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [questionnaires, commissionerGrants] = await Promise.all([this.questionnaires.exportFor(userId), this.commissioners.exportFor(userId)]);
    return { questionnaires, commissionerGrants };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.questionnaires.eraseFor(tx, userId);
    await this.commissioners.eraseFor(tx, userId);
  }
}
