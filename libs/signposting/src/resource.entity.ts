import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ResourceKind = 'crisis' | 'clinical' | 'peer' | 'information';

/** One entry of a group's signposting directory: where to get help that the group cannot give. */
@Entity('resources')
export class Resource {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text')
  kind: ResourceKind;

  @Column('text')
  title: string;

  @Column('text')
  description: string;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('text', { nullable: true })
  sms: string | null;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { nullable: true })
  hours: string | null;

  /** Order in the directory; crisis lines first. */
  @Column('integer')
  position: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
