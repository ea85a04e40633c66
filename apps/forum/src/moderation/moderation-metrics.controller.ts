import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ModerationMetricsService } from '@kindred/moderation';
import { ApiProblems } from '../openapi';
import { ModerationMetricsView } from './moderation.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

const groupId = idParam('That group');

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('groups/:groupId/moderation/metrics')
export class ModerationMetricsController {
  constructor(private readonly metrics: ModerationMetricsService) {}

  @ApiOkResponse({ type: ModerationMetricsView })
  @StaffEndpoint()
  @ApiProblems(401, 404)
  @Get()
  get(@CurrentUser() user: AuthUser, @Param('groupId', groupId) id: string) {
    return this.metrics.forGroup(user, id);
  }
}
