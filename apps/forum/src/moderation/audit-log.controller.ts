import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditLogService } from '@kindred/audit';
import { idParam, PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ApiPageResponse, ApiProblems } from '../openapi';
import { AuditEntryView } from './moderation.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

const groupId = idParam('That group');

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('groups/:groupId/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @ApiPageResponse(AuditEntryView, 'Append-only entries, newest first.')
  @StaffEndpoint()
  @ApiProblems(401, 404, 422)
  @Get()
  list(@CurrentUser() user: AuthUser, @Param('groupId', groupId) id: string, @Query() query: PageQuery) {
    return this.audit.list(user, id, query);
  }
}
