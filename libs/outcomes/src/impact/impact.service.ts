import { Injectable } from '@nestjs/common';
import { DomainError } from '@kindred/domain';
import { GroupsService } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import { CommissionersService } from '../commissioners/commissioners.service';
import { assertUuid } from '../ids';
import { ImpactReport, reportCsv, suppress } from './impact-report';
import { ImpactRepository, ReportScope } from './impact.repository';

export interface ReportQuery {
  groupId?: string;
  /** First month, 'YYYY-MM'; by default eleven months before `to`. */
  from?: string;
  /** Last month, 'YYYY-MM'; by default the current month. */
  to?: string;
}

export const MAX_REPORT_MONTHS = 36;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The impact report, for platform admins and commissioners: aggregates only, each cell withheld
 * below ten people (impact-report.ts). Nobody else may read it, and no part of it names a person.
 */
@Injectable()
export class ImpactService {
  constructor(
    private readonly impact: ImpactRepository,
    private readonly commissioners: CommissionersService,
    private readonly groups: GroupsService,
  ) {}

  async report(user: AuthUser, query: ReportQuery, now = new Date()): Promise<ImpactReport> {
    const scope = await this.scopeFor(user, query, now);
    const [members, activity, moderation, outcomes, relationships] = await Promise.all([
      this.impact.members(scope),
      this.impact.activity(scope),
      this.impact.moderation(scope),
      this.impact.outcomes(scope),
      this.impact.relationships(scope),
    ]);
    return suppress({
      groupId: scope.groupIds?.[0] ?? null,
      from: monthText(scope.from),
      to: monthText(scope.to),
      generatedAt: now,
      members,
      activity,
      moderation,
      outcomes,
      relationships,
    });
  }

  /** The groups the caller may choose in the report (403 for anyone who may read none). */
  async access(user: AuthUser): Promise<{ platform: boolean; groups: Array<{ id: string; name: string }> }> {
    const access = await this.commissioners.accessOf(user);
    if (!access.platform && access.groupIds.length === 0) throw DomainError.forbidden('Only admins and commissioners can read the impact report.');
    const groups: Array<{ id: string; name: string }> = [];
    if (access.platform) {
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages += 1) {
        const page = await this.groups.directory({ limit: 100, cursor });
        groups.push(...page.items.map((g) => ({ id: g.id, name: g.name })));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
    } else {
      for (const id of access.groupIds) {
        const group = await this.groups.get(undefined, id);
        groups.push({ id: group.id, name: group.name });
      }
    }
    return { platform: access.platform, groups };
  }

  async csv(user: AuthUser, query: ReportQuery): Promise<string> {
    return reportCsv(await this.report(user, query));
  }

  /** Who may read which groups: a platform admin or platform commissioner any or all; a group's commissioner that group only. */
  private async scopeFor(user: AuthUser, query: ReportQuery, now: Date): Promise<ReportScope> {
    const access = await this.commissioners.accessOf(user);
    if (!access.platform && access.groupIds.length === 0) throw DomainError.forbidden('Only admins and commissioners can read the impact report.');
    const { from, to } = months(query, now);
    if (query.groupId === undefined || query.groupId === '') {
      if (!access.platform) throw DomainError.forbidden('You can read the report of the groups you commission: choose one.');
      return { groupIds: null, from, to };
    }
    assertUuid(query.groupId, 'That group');
    if (!access.platform && !access.groupIds.includes(query.groupId)) throw DomainError.forbidden('You do not commission that group.');
    await this.groups.assertExists(query.groupId);
    return { groupIds: [query.groupId], from, to };
  }
}

function parseMonth(value: string, field: string): Date {
  const m = MONTH.exec(value);
  if (!m) throw DomainError.validation([{ field, message: 'must be a month, YYYY-MM' }]);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

function addMonths(d: Date, n: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

/** The months asked for: whole UTC months, `from` not after `to`, at most MAX_REPORT_MONTHS. */
export function months(query: ReportQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? parseMonth(query.to, 'to') : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = query.from ? parseMonth(query.from, 'from') : addMonths(to, -11);
  if (from > to) throw DomainError.validation([{ field: 'from', message: 'must not be after to' }]);
  if (addMonths(from, MAX_REPORT_MONTHS - 1) < to)
    throw DomainError.validation([{ field: 'from', message: `the report covers at most ${MAX_REPORT_MONTHS} months` }]);
  return { from, to };
}

function monthText(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
