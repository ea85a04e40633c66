import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ReferralCodesService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam } from './id-param.pipe';
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
}
