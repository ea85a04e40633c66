import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { GroupsService } from '@kindred/groups';
import { decodeCursor, DomainError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { AuditLogRepository } from './audit-log.repository';

/** A value in an entry's detail (JSON). */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

export interface NewAuditEntry {
  actorId: string | null;
  action: string;
  groupId: string | null;
  subjectType: string;
  subjectId: string;
  /** Ids, clause keys, kinds, numbers and, for configuration changes, the settings before and after. Never a content body, a note or a member's name. */
  detail: Record<string, AuditValue>;
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
    private readonly entries: AuditLogRepository,
    private readonly groups: GroupsService,
  ) {}

  record(tx: Tx, entry: NewAuditEntry, at: Date = new Date()): Promise<void> {
    return this.entries.append(tx, { ...entry, at });
  }

  /** Newest first. Admins only: supporters are the people the log holds to account. */
  async list(user: AuthUser, groupId: string, page: PageQuery = {}): Promise<Page<AuditEntryView>> {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can read the audit log.');
    await this.groups.assertExists(groupId);
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const rows = await this.entries.page(groupId, limit + 1, cursor);
    return toPage(
      rows,
      limit,
      (e) => ({ at: e.at.toISOString(), id: e.id }),
      (e) => ({ id: e.id, at: e.at, actor: e.actorId, action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, detail: e.detail }),
    );
  }
}
