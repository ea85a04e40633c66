import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApplicationsService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ApplicationDecisionDto, ApplicationsQuery, ApplyDto } from './applications.dto';
import { groupIdParam, idParam } from './id-param.pipe';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ApplicationReceiptView, ApplicationView, MyApplicationAnswerView } from './groups.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

@ApiTags('groups')
@ApiBearerAuth()
@ApiProblems(401)
@Controller()
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @ApiCreatedResponse({ type: ApplicationReceiptView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'NOT_ELIGIBLE', 'BANNED', 404, 409)
  @Post('groups/:groupId/applications')
  apply(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: ApplyDto) {
    return this.applications.apply(user, groupId, body);
  }

  @ApiOkResponse({ type: MyApplicationAnswerView, description: 'The caller’s latest application to the group; null when they have none.' })
  @ApiProblems(404)
  @Get('groups/:groupId/my-application')
  mine(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.applications.mine(user, groupId);
  }

  @ApiPageResponse(ApplicationView, 'Oldest first.')
  @StaffEndpoint()
  @ApiProblems(404, 422)
  @Get('groups/:groupId/applications')
  list(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Query() query: ApplicationsQuery) {
    return this.applications.list(user, groupId, query.status, query);
  }

  @ApiOkResponse({ type: ApplicationView, description: 'Decided; the applicant gets a notice.' })
  @StaffEndpoint()
  @ApiProblems(...JSON_BODY_PROBLEMS, 404, 409)
  @Post('applications/:applicationId/decision')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('applicationId', idParam('That application')) applicationId: string, @Body() body: ApplicationDecisionDto) {
    return this.applications.decide(user, applicationId, body.decision, body.reason);
  }
}
