import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';

/**
 * A bounded context that holds personal data about members. Each one says what it holds about a
 * person (for export) and how to erase it, so data rights cover every table without any one
 * context reaching into another's.
 */
export interface PersonalDataContributor {
  /** The section of the export, e.g. "posts". */
  readonly section: string;
  export(userId: string): Promise<unknown>;
  /**
   * Runs inside the erasure transaction, before the account itself is deleted; the contributor
   * hands `tx` to its own repositories.
   */
  erase(tx: Tx, userId: string): Promise<void>;
}

@Injectable()
export class PersonalDataRegistry {
  private readonly contributors: PersonalDataContributor[] = [];

  register(contributor: PersonalDataContributor): void {
    if (!this.contributors.some((c) => c.section === contributor.section)) this.contributors.push(contributor);
  }

  all(): readonly PersonalDataContributor[] {
    return this.contributors;
  }
}
