import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgreementsService } from '@kindred/groups';
import { Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { AcceptAgreementDto, PublishAgreementDto } from './agreements.dto';
import { groupIdParam } from './id-param.pipe';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { AgreementAcceptanceView, AgreementView } from './groups.views';

@ApiTags('groups')
@Controller('groups/:groupId/agreement')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Public()
  @ApiOkResponse({ type: AgreementView, description: 'The current version.' })
  @ApiProblems(404)
  @Get()
  current(@Param('groupId', groupIdParam) groupId: string) {
    return this.agreements.currentOrNotFound(groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @ApiCreatedResponse({ type: AgreementView, description: 'A new version: everyone in the group must accept it again.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 404)
  @Put()
  @HttpCode(201)
  publish(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: PublishAgreementDto) {
    return this.agreements.publish(user, groupId, body.clauses);
  }

  @ApiBearerAuth()
  @ApiCreatedResponse({ type: AgreementAcceptanceView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 'NOT_A_MEMBER', 'BANNED', 404, 409)
  @Post('acceptances')
  accept(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: AcceptAgreementDto) {
    return this.agreements.accept(user, groupId, body.version);
  }
}
