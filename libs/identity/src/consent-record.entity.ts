import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('consent_records')
export class ConsentRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'consent_version' })
  consentVersion: string;

  @Column('timestamptz', { name: 'given_at' })
  givenAt: Date;
}
