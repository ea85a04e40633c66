import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ModerationAlertsService } from '@kindred/moderation';
import { ApiPageResponse, ApiProblems } from '../openapi';
import { ModerationAlertView } from './moderation.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('me/alerts')
export class AlertsController {
  constructor(private readonly alerts: ModerationAlertsService) {}

  /** Overdue and escalated items the deadline job told the caller about, newest first. */
  @ApiPageResponse(ModerationAlertView, 'Overdue and escalated items, newest first.')
  @StaffEndpoint()
  @ApiProblems(401, 422)
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.alerts.listFor(user.id, query);
  }
}
