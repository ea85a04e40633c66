import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MembershipService } from '@kindred/groups';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { idParam } from './id-param.pipe';
import { ApiProblems } from '../openapi';
import { MemberProfileView } from '../identity/identity.views';

const userIdParam = idParam('That person');

@ApiTags('groups')
@ApiBearerAuth()
@ApiProblems(401, 404)
@Controller('users')
export class ProfilesController {
  constructor(private readonly memberships: MembershipService) {}

  @ApiOperation({
    summary: 'A member’s profile',
    description: 'Their display name and “about me”, for someone who shares a group with them. 404 for anyone else, as for nobody.',
  })
  @ApiOkResponse({ type: MemberProfileView })
  @Get(':userId/profile')
  profile(@CurrentUser() user: AuthUser, @Param('userId', userIdParam) userId: string) {
    return this.memberships.profileOf(user, userId);
  }
}
