import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AppealsService } from '@kindred/moderation';

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

  @Post()
  appeal(@CurrentUser() user: AuthUser, @Param('noticeId', noticeId) id: string, @Body() body: AppealDto) {
    return this.appeals.appeal(user, id, body.text);
  }
}
