import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ModerationMetricsService } from '@kindred/moderation';

const groupId = idParam('That group');

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('groups/:groupId/moderation/metrics')
export class ModerationMetricsController {
  constructor(private readonly metrics: ModerationMetricsService) {}

  @Get()
  get(@CurrentUser() user: AuthUser, @Param('groupId', groupId) id: string) {
    return this.metrics.forGroup(user, id);
  }
}
