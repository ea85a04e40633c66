import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AppealsService } from '@kindred/moderation';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { AppealReceiptView } from './moderation.views';

const noticeId = idParam('That notice');

export class AppealDto {
  @ApiProperty({ description: 'Why the decision should be looked at again.' })
  @IsString()
  @Length(1, 2000)
  text: string;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('notices/:noticeId/appeal')
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @ApiCreatedResponse({ type: AppealReceiptView, description: 'An appeal review item, which the original decider may not decide.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 404, 409)
  @Post()
  appeal(@CurrentUser() user: AuthUser, @Param('noticeId', noticeId) id: string, @Body() body: AppealDto) {
    return this.appeals.appeal(user, id, body.text);
  }
}
