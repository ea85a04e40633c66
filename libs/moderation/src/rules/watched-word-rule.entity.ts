import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('watched_word_rules')
export class WatchedWordRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text')
  pattern: string;

  @Column('text')
  match: 'word' | 'phrase' | 'regex';

  @Column('text')
  action: 'block' | 'hold' | 'flag' | 'mask';

  @Column('text', { name: 'clause_key', nullable: true })
  clauseKey: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
