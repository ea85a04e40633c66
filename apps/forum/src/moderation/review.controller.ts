import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ReviewQueueService } from '@kindred/moderation';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ReviewItemListView, ReviewItemView } from './moderation.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

const id = idParam;

export class ReviewQueueQuery {
  @ApiPropertyOptional({ enum: ['open', 'decided'] })
  @IsOptional()
  @IsIn(['open', 'decided'])
  status?: 'open' | 'decided';
}

export class SanctionDto {
  @ApiProperty({ enum: ['warn', 'mute', 'ban'] })
  @IsIn(['warn', 'mute', 'ban'])
  kind: 'warn' | 'mute' | 'ban';

  @ApiPropertyOptional({ description: 'Mutes only: for how many hours (up to a year).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 366)
  hours?: number;
}

export class ClaimDto {
  @ApiPropertyOptional({ description: "Take the item over from another moderator's current claim; the audit log records it." })
  @IsOptional()
  @IsBoolean()
  takeOver?: boolean;
}

/** What goes with a removal, whether decided in the queue or where the content is. */
export class RemovalDetailsDto {
  @ApiPropertyOptional({ description: 'Required for remove: a clause of the current agreement.' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  clauseKey?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ type: SanctionDto, description: 'With a removal only: warn, mute for N hours, or ban from the group.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SanctionDto)
  sanction?: SanctionDto;
}

export class DecisionDto extends RemovalDetailsDto {
  @ApiProperty({ enum: ['approve', 'remove', 'escalate'] })
  @IsIn(['approve', 'remove', 'escalate'])
  action: 'approve' | 'remove' | 'escalate';
}

@ApiTags('moderation')
@ApiBearerAuth()
@ApiProblems(401, 404)
@StaffEndpoint()
@Controller()
export class ReviewController {
  constructor(private readonly queue: ReviewQueueService) {}

  @ApiOkResponse({ type: ReviewItemListView })
  @ApiProblems(422)
  @Get('groups/:groupId/review-items')
  list(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: ReviewQueueQuery) {
    return this.queue.list(user, groupId, query.status ?? 'open');
  }

  @ApiOkResponse({ type: ReviewItemView, description: 'Claimed by the caller.' })
  @ApiProblems(409)
  @Post('review-items/:itemId/claim')
  @HttpCode(200)
  claim(@CurrentUser() user: AuthUser, @Param('itemId', id('That review item')) itemId: string, @Body() body: ClaimDto) {
    return this.queue.claim(user, itemId, { takeOver: body?.takeOver === true });
  }

  @ApiOkResponse({ type: ReviewItemView, description: 'Decided (or escalated).' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('review-items/:itemId/decision')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('itemId', id('That review item')) itemId: string, @Body() body: DecisionDto) {
    return this.queue.decide(user, itemId, body);
  }
}
