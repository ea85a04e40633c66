import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupsModule } from '@kindred/groups';
import { AuditEntry } from './audit-entry.entity';
import { AuditLogService } from './audit-log.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry]), GroupsModule],
  providers: [AuditLogService],
  exports: [AuditLogService],
})
export class AuditModule {}
