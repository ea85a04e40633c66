import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApplicationsService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ApplicationsQuery, ApplyDto, DecisionDto } from './applications.dto';
import { groupIdParam, idParam } from './id-param.pipe';

@ApiTags('groups')
@ApiBearerAuth()
@Controller()
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post('groups/:groupId/applications')
  apply(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: ApplyDto) {
    return this.applications.apply(user, groupId, body);
  }

  @Get('groups/:groupId/applications')
  list(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Query() query: ApplicationsQuery) {
    return this.applications.list(user, groupId, query.status, query);
  }

  @Post('applications/:applicationId/decision')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('applicationId', idParam('That application')) applicationId: string, @Body() body: DecisionDto) {
    return this.applications.decide(user, applicationId, body.decision, body.reason);
  }
}
