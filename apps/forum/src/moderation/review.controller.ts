import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ReviewQueueService } from '@kindred/moderation';

const id = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => DomainError.notFound(what) });

export class ReviewQueueQuery {
  @ApiPropertyOptional({ enum: ['open', 'decided'] })
  @IsOptional()
  @IsIn(['open', 'decided'])
  status?: 'open' | 'decided';
}

export class DecisionDto {
  @ApiProperty({ enum: ['approve', 'remove', 'escalate'] })
  @IsIn(['approve', 'remove', 'escalate'])
  action: 'approve' | 'remove' | 'escalate';

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
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller()
export class ReviewController {
  constructor(private readonly queue: ReviewQueueService) {}

  @Get('groups/:groupId/review-items')
  list(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Query() query: ReviewQueueQuery) {
    return this.queue.list(user, groupId, query.status ?? 'open');
  }

  @Post('review-items/:itemId/decision')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('itemId', id('That review item')) itemId: string, @Body() body: DecisionDto) {
    return this.queue.decide(user, itemId, body);
  }
}
