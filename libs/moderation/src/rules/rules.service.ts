import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventBus } from '@kindred/events';
import { GroupsService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { checkRegexSafety } from '../screening/regex-safety';
import { compileRules, CompiledRules } from '../screening/watched-words.screener';
import { WatchedWordRuleEntity } from './watched-word-rule.entity';
import { WatchedWordRulesRepository } from './watched-word-rules.repository';

export interface RuleView {
  id: string;
  pattern: string;
  match: 'word' | 'phrase' | 'regex';
  action: 'block' | 'hold' | 'flag' | 'mask';
  clauseKey: string | null;
  createdAt: Date;
}

export interface NewRule {
  pattern: string;
  match: RuleView['match'];
  action: RuleView['action'];
  clauseKey?: string;
}

/** A compiled matcher is kept this long at most, in case a change event was missed. */
const CACHE_TTL_MS = 30_000;

@Injectable()
export class RulesService implements OnModuleInit {
  private readonly compiled = new Map<string, { rules: CompiledRules; at: number }>();

  constructor(
    private readonly rules: WatchedWordRulesRepository,
    private readonly groups: GroupsService,
    private readonly participation: ParticipationService,
    private readonly events: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe('rules.changed', ({ groupId }) => {
      this.compiled.delete(groupId);
    });
  }

  async list(user: AuthUser, groupId: string): Promise<RuleView[]> {
    await this.participation.assertModerator(user, groupId);
    return (await this.rules.list(groupId)).map(toView);
  }

  async create(user: AuthUser, groupId: string, input: NewRule): Promise<RuleView> {
    await this.assertAdmin(user, groupId);
    const pattern = input.pattern.trim();
    if (input.match === 'regex') {
      const safety = checkRegexSafety(pattern);
      if (!safety.ok) throw DomainError.validation([{ field: 'pattern', message: safety.reason }]);
    } else if (!/[\p{L}\p{N}]/u.test(pattern)) {
      throw DomainError.validation([{ field: 'pattern', message: 'A word or phrase rule needs at least one letter or digit.' }]);
    } else if (input.match === 'word' && /\s/.test(pattern)) {
      throw DomainError.validation([{ field: 'pattern', message: 'A word rule is a single word; use match "phrase" for several words.' }]);
    }
    if (input.clauseKey) await this.groups.assertClause(groupId, input.clauseKey);
    const rule = await this.rules.insert({
      groupId,
      pattern,
      match: input.match,
      action: input.action,
      clauseKey: input.clauseKey ?? null,
      createdBy: user.id,
    });
    this.compiled.delete(groupId);
    await this.events.publish('rules.changed', { groupId });
    return toView(rule);
  }

  async remove(user: AuthUser, groupId: string, ruleId: string): Promise<void> {
    await this.assertAdmin(user, groupId);
    if (!(await this.rules.remove(groupId, ruleId))) throw DomainError.notFound('That rule');
    this.compiled.delete(groupId);
    await this.events.publish('rules.changed', { groupId });
  }

  /** The group's rules compiled into one matcher, cached until a rule changes. */
  async compiledFor(groupId: string): Promise<CompiledRules> {
    const cached = this.compiled.get(groupId);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.rules;
    const rows = await this.rules.list(groupId);
    const rules = compileRules(rows.map((r) => ({ id: r.id, pattern: r.pattern, match: r.match, action: r.action, clauseKey: r.clauseKey })));
    this.compiled.set(groupId, { rules, at: Date.now() });
    return rules;
  }

  private async assertAdmin(user: AuthUser, groupId: string): Promise<void> {
    const settings = await this.groups.getSettings(groupId);
    if (!settings) throw DomainError.notFound('That group');
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can change watched-word rules.');
  }
}

function toView(rule: WatchedWordRuleEntity): RuleView {
  return { id: rule.id, pattern: rule.pattern, match: rule.match, action: rule.action, clauseKey: rule.clauseKey, createdAt: rule.createdAt };
}
