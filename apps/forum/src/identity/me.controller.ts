import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { DomainError } from '@kindred/http';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => DomainError.notFound('That session') });

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly identity: IdentityService) {}

  @Get()
  async me(@CurrentUser() user: AuthUser) {
    return { id: user.id, displayName: user.displayName, isAdmin: user.isAdmin, memberships: [] };
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
