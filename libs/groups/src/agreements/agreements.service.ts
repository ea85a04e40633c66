import { Injectable, Optional } from '@nestjs/common';
import { ReplicaReads, Transactions, Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { ConfigurationTrail } from '../configuration-trail';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { NotificationsService } from '@kindred/notifications';
import { isUuid } from '../ids';
import { MembershipsRepository } from '../membership/memberships.repository';
import { ParticipationService } from '../membership/participation.service';
import { GroupsRepository } from '../group/groups.repository';
import { DEFAULT_AGREEMENT } from './agreement-template';
import { AgreementVersion } from './agreement-version.entity';
import { AgreementsRepository } from './agreements.repository';
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
    private readonly repository: AgreementsRepository,
    private readonly groups: GroupsRepository,
    private readonly transactions: Transactions,
    private readonly participation: ParticipationService,
    private readonly events: EventBus,
    private readonly memberships: MembershipsRepository,
    private readonly notifications: NotificationsService,
    private readonly trail: ConfigurationTrail,
    @Optional() private readonly reads?: ReplicaReads,
  ) {}

  /** The current version, or null when there is no such group. */
  async current(groupId: string): Promise<AgreementView | null> {
    if (!isUuid(groupId)) return null;
    const row = await this.repository.current(groupId);
    return row ? toView(row) : null;
  }

  async currentOrNotFound(groupId: string): Promise<AgreementView> {
    const agreement = await this.current(groupId);
    if (!agreement) throw DomainError.notFound('That group');
    return agreement;
  }

  /** Version 1 of a new group, from the template, inside the transaction that creates the group. */
  async publishTemplate(tx: Tx, groupId: string, publishedBy: string): Promise<void> {
    await this.repository.insertVersion(tx, { groupId, version: 1, clauses: DEFAULT_AGREEMENT.map((c) => ({ ...c })), publishedAt: new Date(), publishedBy });
  }

  /** Publishes a new version; everyone in the group must accept it again before taking part. */
  async publish(user: AuthUser, groupId: string, clauses: unknown): Promise<AgreementView> {
    if (!isUuid(groupId)) throw DomainError.notFound('That group');
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can change a group agreement.');
    const errors = validateClauses(clauses);
    if (errors.length > 0) throw DomainError.validation(errors);
    const view = await this.transactions.run(async (tx) => {
      // Locking the group serialises publishers, so two admins cannot both take the same number.
      if (!(await this.groups.lock(tx, groupId))) throw DomainError.notFound('That group');
      const before = await this.repository.current(groupId, tx);
      const row = await this.repository.insertVersion(tx, {
        groupId,
        version: await this.repository.nextVersion(tx, groupId),
        clauses: normaliseClauses(clauses as Clause[]),
        publishedAt: new Date(),
        publishedBy: user.id,
      });
      const outline = (version: number, clauses: Clause[]) => ({ version, clauses: clauses.map((c) => ({ key: c.key, title: c.title, text: c.text })) });
      await this.trail.record(tx, {
        actorId: user.id,
        groupId,
        action: 'agreement.publish',
        subjectType: 'agreement',
        subjectId: groupId,
        before: before ? outline(before.version, before.clauses) : null,
        after: outline(row.version, row.clauses),
      });
      return toView(row);
    });
    // After the commit: open chat sockets of everyone who has not accepted this version leave the room.
    await this.events.publish('agreement.published', { groupId, version: view.version });
    // Everyone taking part is told there is a new agreement to accept, wherever they are.
    const members = (await this.memberships.activeMemberIds(groupId)).filter((id) => id !== user.id);
    await this.notifications.notify({
      eventId: `agreement:${groupId}:${view.version}`,
      kind: 'agreement',
      recipients: members,
      groupId,
      path: `/groups/${groupId}/agreement`,
    });
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
    const acceptedAt = await this.repository.accept(user.id, groupId, version, new Date());
    // Their next pages must see the acceptance: the primary serves them until a replica has it.
    await this.reads?.markFresh(user.id);
    await this.events.publish('membership.changed', { userId: user.id, groupId });
    return { groupId, version, acceptedAt };
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
