import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReferralCodesService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam, idParam } from './id-param.pipe';

const codeIdParam = idParam('That referral code');
import { CreateReferralCodeDto } from './referral-codes.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ReferralCodeView } from './groups.views';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups/:groupId/referral-codes')
export class ReferralCodesController {
  constructor(private readonly referralCodes: ReferralCodesService) {}

  @AdminOnly()
  @ApiCreatedResponse({ type: ReferralCodeView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 404)
  @Post()
  create(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: CreateReferralCodeDto) {
    return this.referralCodes.create(user, groupId, body);
  }

  @AdminOnly()
  @ApiOkResponse({ type: [ReferralCodeView], description: 'The group’s codes with their uses, newest first (revoked ones too).' })
  @ApiProblems(401, 403, 404)
  @Get()
  list(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.referralCodes.list(user, groupId);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'The code admits nobody from now on.' })
  @ApiProblems(401, 403, 404)
  @Delete(':codeId')
  @HttpCode(204)
  async revoke(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Param('codeId', codeIdParam) codeId: string): Promise<void> {
    await this.referralCodes.revoke(user, groupId, codeId);
  }
}
