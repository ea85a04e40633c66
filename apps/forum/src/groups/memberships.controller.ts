import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MembershipService } from '@kindred/groups';
import { PageQuery } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { groupIdParam, idParam } from './id-param.pipe';
import { ApiPageResponse, ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { AppointSupporterByEmailDto } from './groups.dto';
import { AppointedView, MemberView, MentionableListView } from './groups.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

const userIdParam = idParam('That person');

/** A page of a group's members, narrowed by name, role and standing. */
export class MembersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of a display name (any case).', maxLength: 60 })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  q?: string;

  @ApiPropertyOptional({ enum: ['member', 'supporter'] })
  @IsOptional()
  @IsIn(['member', 'supporter'])
  role?: 'member' | 'supporter';

  @ApiPropertyOptional({ enum: ['active', 'muted', 'banned'], description: '`active`: taking part and not muted now.' })
  @IsOptional()
  @IsIn(['active', 'muted', 'banned'])
  standing?: 'active' | 'muted' | 'banned';
}

/** What someone has typed after an `@`. */
export class MentionableQuery {
  @ApiPropertyOptional({ description: 'The start of a display name (any case). Empty: the first names by alphabet.', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40, { message: 'A name is at most 40 characters, so there is nobody to suggest for that.' })
  prefix?: string;
}

@ApiTags('groups')
@ApiBearerAuth()
@ApiProblems(401, 403, 404)
@Controller('groups/:groupId')
export class MembershipsController {
  constructor(private readonly memberships: MembershipService) {}

  @AdminOnly()
  @ApiNoContentResponse({ description: 'They are a supporter of the group.' })
  @ApiProblems(409)
  @Put('supporters/:userId')
  @HttpCode(204)
  async appoint(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Param('userId', userIdParam) userId: string): Promise<void> {
    await this.memberships.appointSupporter(user, groupId, userId);
  }

  @AdminOnly()
  @ApiOperation({
    summary: 'Appoint a supporter by email address',
    description:
      'The verified account with that address becomes a supporter, member of the group or not (no application). 404 when no verified account has it.',
  })
  @ApiOkResponse({ type: AppointedView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('supporters')
  @HttpCode(200)
  appointByEmail(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: AppointSupporterByEmailDto) {
    return this.memberships.appointSupporterByEmail(user, groupId, body.email);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'They are a member again.' })
  @Delete('supporters/:userId')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Param('userId', userIdParam) userId: string): Promise<void> {
    await this.memberships.removeSupporter(user, groupId, userId);
  }

  @ApiOperation({
    summary: 'Members to suggest after an @',
    description:
      'For the composer: up to 8 people taking part in this group (members and supporters, not banned) whose display name starts with `prefix`, in any case, by name; never the caller, never anyone outside the group. Only the group’s participants may ask.',
  })
  @ApiOkResponse({ type: MentionableListView })
  @ApiProblems(422, 'NOT_A_MEMBER', 'AGREEMENT_REQUIRED', 'BANNED')
  @Get('members/mentionable')
  mentionable(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Query() query: MentionableQuery) {
    return this.memberships.mentionable(user, groupId, query.prefix);
  }

  @ApiPageResponse(MemberView)
  @StaffEndpoint()
  @ApiProblems(422)
  @Get('members')
  members(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Query() query: MembersQuery) {
    const { q, role, standing, ...page } = query;
    return this.memberships.list(user, groupId, page, { q, role, standing });
  }

  @ApiOperation({
    summary: 'Leave the group',
    description:
      'Your membership ends at once: the group’s forum and chat are closed to you, and open chat sockets leave its room (`chat:access-ended`, reason ' +
      '`membership-ended`). What you wrote stays, under your name. 404 when you are not a member; 409 when you are the group’s only supporter ' +
      '(an admin appoints another first); 403 MUTED, with `until`, while a mute lasts (applying again must not shed it). To come back, apply again.',
  })
  @ApiNoContentResponse({ description: 'You have left the group.' })
  @ApiProblems(409, 'MUTED')
  @Delete('membership')
  @HttpCode(204)
  async leave(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string): Promise<void> {
    await this.memberships.leave(user, groupId);
  }
}
