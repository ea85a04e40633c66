import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '@kindred/events';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { isUuid } from '../ids';
import { ParticipationService } from '../membership/participation.service';
import { AgreementAcceptance } from './agreement-acceptance.entity';
import { DEFAULT_AGREEMENT } from './agreement-template';
import { AgreementVersion } from './agreement-version.entity';
import { Clause, normaliseClauses, validateClauses } from './clauses';

export interface AgreementView {
  version: number;
  clauses: Clause[];
  publishedAt: Date;
}

export interface AcceptanceView {
  groupId: string;
  version: number;
  acceptedAt: Date;
}

/** Versioned group agreements: publishing, reading, accepting, and checking cited clauses. */
@Injectable()
export class AgreementsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly events: EventBus,
  ) {}

  /** The current version, or null when there is no such group. */
  async current(groupId: string): Promise<AgreementView | null> {
    if (!isUuid(groupId)) return null;
    const row = await this.dataSource.getRepository(AgreementVersion).findOne({ where: { groupId }, order: { version: 'DESC' } });
    return row ? toView(row) : null;
  }

  async currentOrNotFound(groupId: string): Promise<AgreementView> {
    const agreement = await this.current(groupId);
    if (!agreement) throw DomainError.notFound('That group');
    return agreement;
  }

  /** Version 1 of a new group, from the template, inside the transaction that creates the group. */
  async publishTemplate(manager: EntityManager, groupId: string, publishedBy: string): Promise<void> {
    await manager.insert(AgreementVersion, { groupId, version: 1, clauses: DEFAULT_AGREEMENT.map((c) => ({ ...c })), publishedAt: new Date(), publishedBy });
  }

  /** Publishes a new version; everyone in the group must accept it again before taking part. */
  async publish(user: AuthUser, groupId: string, clauses: unknown): Promise<AgreementView> {
    if (!isUuid(groupId)) throw DomainError.notFound('That group');
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can change a group agreement.');
    const errors = validateClauses(clauses);
    if (errors.length > 0) throw DomainError.validation(errors);
    const view = await this.dataSource.transaction(async (manager) => {
      // Locking the group serialises publishers, so two admins cannot both take the same number.
      const locked = (await manager.query(`SELECT id FROM groups WHERE id = $1 FOR UPDATE`, [groupId])) as unknown[];
      if (locked.length === 0) throw DomainError.notFound('That group');
      const [{ version }] = (await manager.query(`SELECT COALESCE(max(version), 0) + 1 AS version FROM agreement_versions WHERE group_id = $1`, [groupId])) as [
        { version: number },
      ];
      const row = manager.create(AgreementVersion, {
        groupId,
        version: Number(version),
        clauses: normaliseClauses(clauses as Clause[]),
        publishedAt: new Date(),
        publishedBy: user.id,
      });
      await manager.insert(AgreementVersion, row);
      return toView(row);
    });
    // After the commit: open chat sockets of everyone who has not accepted this version leave the room.
    await this.events.publish('agreement.published', { groupId, version: view.version });
    return view;
  }

  /** Records that the caller accepted `version`, which must be the current one (409 otherwise). */
  async accept(user: AuthUser, groupId: string, version: number): Promise<AcceptanceView> {
    const participant = await this.participation.assertMember(user, groupId);
    if (version !== participant.currentVersion) {
      throw new DomainError(
        'CONFLICT',
        `Version ${version} is not the group's current agreement. Please read version ${participant.currentVersion} and accept that.`,
        { version: participant.currentVersion },
      );
    }
    // Accepting twice is harmless: the first time stands.
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AgreementAcceptance)
      .values({ userId: user.id, groupId, version, acceptedAt: new Date() })
      .orIgnore()
      .execute();
    const row = await this.dataSource.getRepository(AgreementAcceptance).findOneOrFail({ where: { userId: user.id, groupId, version } });
    await this.events.publish('membership.changed', { userId: user.id, groupId });
    return { groupId, version, acceptedAt: row.acceptedAt };
  }

  async isCurrentClause(groupId: string, clauseKey: string): Promise<boolean> {
    const agreement = await this.current(groupId);
    return agreement !== null && agreement.clauses.some((c) => c.key === clauseKey);
  }

  /** Every citation of a clause goes through here: 422 on `clauseKey` unless the current version has it. */
  async assertClause(groupId: string, clauseKey: string): Promise<void> {
    const agreement = await this.current(groupId);
    if (!agreement) throw DomainError.notFound('That group');
    if (!agreement.clauses.some((c) => c.key === clauseKey)) {
      throw DomainError.validation([
        {
          field: 'clauseKey',
          message: `"${String(clauseKey).slice(0, 60)}" is not a clause of the group's current agreement. Use one of: ${agreement.clauses.map((c) => c.key).join(', ')}.`,
        },
      ]);
    }
  }
}

function toView(row: AgreementVersion): AgreementView {
  return { version: row.version, clauses: row.clauses, publishedAt: row.publishedAt };
}
