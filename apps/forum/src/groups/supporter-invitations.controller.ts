import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SupporterInvitationsService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { AdminOnly } from './admin-only.guard';
import { AcceptInvitationDto, InviteSupporterDto } from './groups.dto';
import { AcceptedInvitationView, SupporterInvitationListView, SupporterInvitationView } from './groups.views';
import { groupIdParam, idParam } from './id-param.pipe';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';

const invitationIdParam = idParam('That invitation');

@ApiTags('groups')
@ApiBearerAuth()
@ApiProblems(401)
@Controller()
export class SupporterInvitationsController {
  constructor(private readonly invitations: SupporterInvitationsService) {}

  @AdminOnly()
  @ApiOperation({
    summary: 'Invite a supporter by email',
    description:
      'For someone without a Kindred account: mails a single-use link, valid for 7 days, that names neither the group nor its condition. Accepting it with a verified account at that address makes them a supporter of this group.',
  })
  @ApiCreatedResponse({ type: SupporterInvitationView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 404)
  @Post('groups/:groupId/supporter-invitations')
  invite(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: InviteSupporterDto) {
    return this.invitations.invite(user, groupId, body.email);
  }

  @AdminOnly()
  @ApiOkResponse({ type: SupporterInvitationListView, description: 'The group’s invitations, newest first, with their status.' })
  @ApiProblems(404)
  @Get('groups/:groupId/supporter-invitations')
  list(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.invitations.list(user, groupId);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'Its link no longer works.' })
  @ApiProblems(404, 409)
  @Delete('groups/:groupId/supporter-invitations/:invitationId')
  @HttpCode(204)
  async revoke(
    @CurrentUser() user: AuthUser,
    @Param('groupId', groupIdParam) groupId: string,
    @Param('invitationId', invitationIdParam) invitationId: string,
  ): Promise<void> {
    await this.invitations.revoke(user, groupId, invitationId);
  }

  @ApiOperation({
    summary: 'Accept a supporter invitation',
    description:
      'Signed in with the verified account at the address the invitation went to. Once only; a revoked or expired invitation answers 409, another address 403.',
  })
  @ApiOkResponse({ type: AcceptedInvitationView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 404, 409)
  @Post('supporter-invitations/accept')
  @HttpCode(200)
  accept(@CurrentUser() user: AuthUser, @Body() body: AcceptInvitationDto) {
    return this.invitations.accept(user, body.token);
  }
}
