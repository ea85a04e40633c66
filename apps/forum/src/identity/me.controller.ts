import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { idParam, PageQuery } from '@kindred/http';
import { NoticesService } from '@kindred/notifications';
import { ChangeDisplayNameDto } from './auth.dto';

const uuid = idParam('That session');

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly identity: IdentityService,
    private readonly memberships: MembershipService,
    private readonly notices: NoticesService,
  ) {}

  @Get()
  async me(@CurrentUser() user: AuthUser) {
    return { id: user.id, displayName: user.displayName, isAdmin: user.isAdmin, memberships: await this.memberships.membershipsOf(user.id) };
  }

  @Patch()
  @ApiOperation({ summary: 'Change your display name', description: 'The new name is held to the same standard as at registration.' })
  @ApiOkResponse({ description: 'The name was changed: `{ id, displayName }`.' })
  @ApiUnprocessableEntityResponse({
    description: 'VALIDATION_FAILED (field `displayName`): the name includes personal identifiers, crisis or offensive words, or a web address.',
  })
  @ApiConflictResponse({ description: 'CONFLICT: the name is, or looks like, a name someone else already uses.' })
  changeDisplayName(@CurrentUser() user: AuthUser, @Body() body: ChangeDisplayNameDto) {
    return this.identity.changeDisplayName(user, body.displayName);
  }

  @Get('notices')
  myNotices(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.notices.listFor(user.id, query);
  }

  @Get('sessions')
  sessions(@CurrentUser() user: AuthUser) {
    return this.identity.listSessions(user);
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async endSession(@CurrentUser() user: AuthUser, @Param('sessionId', uuid) sessionId: string): Promise<void> {
    await this.identity.endSession(user, sessionId);
  }
}
