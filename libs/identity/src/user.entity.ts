import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Never shown to other members; used to sign in and for data requests only. */
  @Column('text')
  email: string;

  @Column('text', { name: 'email_normalised', select: false })
  emailNormalised: string;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  /** The only name other members ever see. */
  @Column('text', { name: 'display_name' })
  displayName: string;

  @Column('text', { name: 'display_name_normalised', select: false })
  displayNameNormalised: string;

  /** The name's confusable skeleton (see displayNameSkeleton): unique, so no name can pose as another. */
  @Column('text', { name: 'display_name_skeleton', select: false })
  displayNameSkeleton: string;

  @Column('date', { name: 'date_of_birth' })
  dateOfBirth: string;

  @Column('boolean', { name: 'is_admin', default: false })
  isAdmin: boolean;

  /** When the owner followed the verification link (or an admin was made); null until then, and such an account cannot sign in. */
  @Column('timestamptz', { name: 'email_verified_at', nullable: true, select: false })
  emailVerifiedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
