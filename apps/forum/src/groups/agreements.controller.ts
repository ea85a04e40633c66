import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgreementsService } from '@kindred/groups';
import { Public } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { AcceptAgreementDto, PublishAgreementDto } from './agreements.dto';
import { groupIdParam } from './id-param.pipe';

@ApiTags('groups')
@Controller('groups/:groupId/agreement')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Public()
  @Get()
  current(@Param('groupId', groupIdParam) groupId: string) {
    return this.agreements.currentOrNotFound(groupId);
  }

  @ApiBearerAuth()
  @AdminOnly()
  @Put()
  @HttpCode(201)
  publish(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: PublishAgreementDto) {
    return this.agreements.publish(user, groupId, body.clauses);
  }

  @ApiBearerAuth()
  @Post('acceptances')
  accept(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: AcceptAgreementDto) {
    return this.agreements.accept(user, groupId, body.version);
  }
}
