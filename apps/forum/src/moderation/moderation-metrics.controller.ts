import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ModerationMetricsService } from '@kindred/moderation';

const groupId = new ParseUUIDPipe({ exceptionFactory: () => DomainError.notFound('That group') });

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
