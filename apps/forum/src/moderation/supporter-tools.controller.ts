import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import type { MemberHistoryView as MemberHistory } from '@kindred/moderation';
import { SupporterToolsService } from '@kindred/moderation';
import { ApiProblems, JSON_BODY_PROBLEMS, Wire } from '../openapi';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';
import { ReviewItemView } from './moderation.views';
import { RemovalDetailsDto } from './review.controller';

const id = idParam;

export class ContentActionDto extends RemovalDetailsDto {
  @ApiProperty({ enum: ['hide', 'remove'], description: '`hide`: out of sight now, into the queue for a decision. `remove`: decided now, citing a clause.' })
  @IsIn(['hide', 'remove'])
  action: 'hide' | 'remove';
}

export class MuteDto {
  @ApiProperty({ description: 'For how many hours (up to a year).', minimum: 1, maximum: 24 * 366 })
  @IsInt()
  @Min(1)
  @Max(24 * 366)
  hours: number;

  @ApiProperty({ description: 'The clause of the current agreement the mute is for.' })
  @IsString()
  @Length(1, 60)
  clauseKey: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class MutedView {
  @ApiProperty({ format: 'date-time' })
  mutedUntil: string;
}

class HistoryMemberView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ type: String, nullable: true, enum: ['member', 'supporter', null] })
  role: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'active, banned, … (null: no longer a member)' })
  status: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'While a mute lasts.' })
  mutedUntil: string | null;
}

class HistorySanctionView {
  @ApiProperty({ enum: ['removal', 'warn', 'mute', 'ban'] })
  action: 'removal' | 'warn' | 'mute' | 'ban';

  @ApiProperty()
  clauseKey: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The decision it came with; null for a mute given on its own.' })
  reviewItemId: string | null;
}

class HistoryDecisionSanctionView {
  @ApiProperty({ enum: ['warn', 'mute', 'ban'] })
  kind: string;

  @ApiProperty({ type: 'integer', nullable: true })
  hours: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  until: string | null;
}

class HistoryDecisionView {
  @ApiProperty({ format: 'uuid' })
  reviewItemId: string;

  @ApiProperty({ enum: ['post', 'message', 'report', 'appeal'] })
  kind: string;

  @ApiProperty({ enum: ['post', 'message'] })
  subjectType: 'post' | 'message';

  @ApiProperty({ format: 'uuid' })
  subjectId: string;

  @ApiProperty({ enum: ['approve', 'remove'] })
  action: 'approve' | 'remove';

  @ApiProperty({ type: String, nullable: true })
  clauseKey: string | null;

  @ApiProperty({ type: HistoryDecisionSanctionView, nullable: true })
  sanction: HistoryDecisionSanctionView | null;

  @ApiProperty({ format: 'date-time' })
  decidedAt: string;
}

export class MemberHistoryView implements Wire<MemberHistory> {
  @ApiProperty({ type: HistoryMemberView })
  member: HistoryMemberView;

  @ApiProperty({ type: [HistorySanctionView], description: 'Removals and sanctions in this group, newest first.' })
  sanctions: HistorySanctionView[];

  @ApiProperty({ type: [HistoryDecisionView], description: 'Decisions about what the member wrote in this group, newest first (the latest 100).' })
  decisions: HistoryDecisionView[];
}

/** Supporters' tools where the conversation is: on a post or message, on a member. The group's supporters and the admins only. */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiProblems(401, 404)
@StaffEndpoint()
@Controller()
export class SupporterToolsController {
  constructor(private readonly tools: SupporterToolsService) {}

  @ApiOkResponse({ type: ReviewItemView, description: 'Hidden (the item waits in the queue) or removed (the item is decided).' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'FORBIDDEN', 409)
  @Post('posts/:postId/moderation')
  @HttpCode(200)
  actOnPost(@CurrentUser() user: AuthUser, @Param('postId', id('That post')) postId: string, @Body() body: ContentActionDto) {
    return this.tools.actOn(user, 'post', postId, body);
  }

  @ApiOkResponse({ type: ReviewItemView, description: 'Hidden (the item waits in the queue) or removed (the item is decided).' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'FORBIDDEN', 409)
  @Post('messages/:messageId/moderation')
  @HttpCode(200)
  actOnMessage(@CurrentUser() user: AuthUser, @Param('messageId', id('That message')) messageId: string, @Body() body: ContentActionDto) {
    return this.tools.actOn(user, 'message', messageId, body);
  }

  @ApiOkResponse({ type: MutedView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 'FORBIDDEN')
  @Post('groups/:groupId/members/:userId/mute')
  @HttpCode(200)
  async mute(
    @CurrentUser() user: AuthUser,
    @Param('groupId', id('That group')) groupId: string,
    @Param('userId', id('That member')) userId: string,
    @Body() body: MuteDto,
  ): Promise<MutedView> {
    const { mutedUntil } = await this.tools.mute(user, groupId, userId, body);
    return { mutedUntil: mutedUntil.toISOString() };
  }

  @ApiOkResponse({ type: MemberHistoryView, description: 'Past decisions and sanctions in this group only.' })
  @Get('groups/:groupId/members/:userId/history')
  history(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Param('userId', id('That member')) userId: string) {
    return this.tools.memberHistory(user, groupId, userId);
  }
}
