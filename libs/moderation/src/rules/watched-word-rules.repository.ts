import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WatchedWordRuleEntity } from './watched-word-rule.entity';

export type NewWatchedWordRule = Pick<WatchedWordRuleEntity, 'groupId' | 'pattern' | 'match' | 'action' | 'clauseKey' | 'createdBy'>;

/** `watched_word_rules`: each group's own rules. */
@Injectable()
export class WatchedWordRulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The group's rules, oldest first. */
  list(groupId: string): Promise<WatchedWordRuleEntity[]> {
    return this.dataSource.getRepository(WatchedWordRuleEntity).find({ where: { groupId }, order: { createdAt: 'ASC' } });
  }

  async insert(values: NewWatchedWordRule): Promise<WatchedWordRuleEntity> {
    const rule = this.dataSource.getRepository(WatchedWordRuleEntity).create(values);
    await this.dataSource.getRepository(WatchedWordRuleEntity).insert(rule);
    return rule;
  }

  /** False when the group has no such rule. */
  async remove(groupId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(WatchedWordRuleEntity).delete({ id, groupId });
    return Boolean(result.affected);
  }
}
