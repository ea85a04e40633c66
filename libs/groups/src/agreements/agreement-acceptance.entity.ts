import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('agreement_acceptances')
export class AgreementAcceptance {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'group_id' })
  groupId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('timestamp with time zone', { name: 'accepted_at', precision: 3 })
  acceptedAt: Date;
}
