import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { MentoringClock } from './mentoring-clock';
import { ProgrammesRepository } from './programmes.repository';
import { RelationshipsRepository } from './relationships.repository';
import { RequestsRepository } from './requests.repository';

/**
 * What mentoring holds about a person: their requests and answers, their relationships, the goals
 * and check-ins of those where they are the mentee, the session notes about them, and, as a mentor,
 * their training record and the notes they wrote. Erasure removes all of it; the notes a mentor
 * wrote go with the mentor's account.
 */
@Injectable()
export class MentoringPersonalData implements PersonalDataContributor {
  readonly section = 'mentoring';

  constructor(
    private readonly programmes: ProgrammesRepository,
    private readonly requests: RequestsRepository,
    private readonly relationships: RelationshipsRepository,
    private readonly clock: MentoringClock,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [asMentor, requests, held] = await Promise.all([
      this.programmes.exportFor(userId),
      this.requests.exportFor(userId),
      this.relationships.exportFor(userId),
    ]);
    return { asMentor, requests, ...held };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.relationships.erasePerson(tx, userId, this.clock.now());
    await this.requests.eraseMentee(tx, userId);
    await this.programmes.eraseMentor(tx, userId);
  }
}
