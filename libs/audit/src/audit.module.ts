import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigurationTrail, GroupsModule } from '@kindred/groups';
import { AuditEntry } from './audit-entry.entity';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry]), GroupsModule],
  providers: [AuditLogRepository, AuditLogService],
  exports: [AuditLogService],
})
export class AuditModule implements OnModuleInit {
  constructor(
    private readonly trail: ConfigurationTrail,
    private readonly auditLog: AuditLogService,
  ) {}

  /** Groups' configuration changes are written here, in the transaction that makes them. */
  onModuleInit(): void {
    this.trail.use((tx, change) =>
      this.auditLog.record(tx, {
        actorId: change.actorId,
        action: change.action,
        groupId: change.groupId,
        subjectType: change.subjectType,
        subjectId: change.subjectId,
        detail: { before: change.before, after: change.after },
      }),
    );
  }
}
