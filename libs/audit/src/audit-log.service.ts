import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GroupsService } from '@kindred/groups';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { AuditEntry } from './audit-entry.entity';

export interface NewAuditEntry {
  actorId: string | null;
  action: string;
  groupId: string | null;
  subjectType: string;
  subjectId: string;
  /** Ids, clause keys, kinds and numbers. Never a content body, a note or a name. */
  detail: Record<string, string | number | boolean | null | Record<string, string | number | boolean | null>>;
}

/** An entry as admins read it (API.md, `GET /groups/:groupId/audit-log`). */
export interface AuditEntryView {
  id: string;
  at: Date;
  actor: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: Record<string, unknown>;
}

/**
 * The append-only record of what moderators (and the deadline job) did. Entries are written in
 * the caller's transaction, so a decision and its audit entry commit or fail together; the table
 * refuses UPDATE, DELETE and TRUNCATE.
 */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsService,
  ) {}

  async record(manager: EntityManager, entry: NewAuditEntry, at: Date = new Date()): Promise<void> {
    await manager.insert(AuditEntry, { ...entry, at } as QueryDeepPartialEntity<AuditEntry>);
  }

  /** Newest first. Admins only: supporters are the people the log holds to account. */
  async list(user: AuthUser, groupId: string, page: PageQuery = {}): Promise<Page<AuditEntryView>> {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can read the audit log.');
    await this.groups.assertExists(groupId);
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const query = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('e')
      .where('e.group_id = :groupId', { groupId })
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (cursor) query.andWhere('(e.at, e.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: cursor.at, id: cursor.id });
    const rows = await query.getMany();
    return toPage(
      rows,
      limit,
      (e) => ({ at: e.at.toISOString(), id: e.id }),
      (e) => ({ id: e.id, at: e.at, actor: e.actorId, action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, detail: e.detail }),
    );
  }
}
