import { Body, Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, SecondFactorService } from '@kindred/identity';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ConfirmTotpDto, DisableTotpDto } from './auth.dto';
import { RecoveryCodesView, SecondFactorStatusView, TotpEnrolmentView } from './identity.views';

/** Two-step sign-in for everyone; platform admins and supporters need it for moderation and admin work. */
@ApiTags('identity')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('me/mfa')
export class SecondFactorController {
  constructor(private readonly secondFactors: SecondFactorService) {}

  @ApiOkResponse({ type: SecondFactorStatusView })
  @Get()
  status(@CurrentUser() user: AuthUser) {
    return this.secondFactors.status(user.id);
  }

  @ApiOperation({
    summary: 'Start setting up an authenticator app',
    description: 'A new secret, not in force until `POST /me/mfa/totp/confirm` gets a right code. Starting again replaces an unconfirmed one.',
  })
  @ApiCreatedResponse({ type: TotpEnrolmentView })
  @ApiProblems(409)
  @Post('totp')
  begin(@CurrentUser() user: AuthUser) {
    return this.secondFactors.beginTotp(user);
  }

  @ApiOperation({ summary: 'Confirm the authenticator app with a code; answers the ten recovery codes, shown this once' })
  @ApiOkResponse({ type: RecoveryCodesView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409, 429, 503)
  @Post('totp/confirm')
  @HttpCode(200)
  confirm(@CurrentUser() user: AuthUser, @Body() body: ConfirmTotpDto, @Req() request: FastifyRequest) {
    return this.secondFactors.confirmTotp(user, body.code, request.ip);
  }

  @ApiOperation({ summary: 'Turn two-step sign-in off: needs the password and a code (or a recovery code)' })
  @ApiNoContentResponse({ description: 'Turned off; the recovery codes no longer work.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 404, 429, 503)
  @Delete('totp')
  @HttpCode(204)
  async disable(@CurrentUser() user: AuthUser, @Body() body: DisableTotpDto, @Req() request: FastifyRequest): Promise<void> {
    await this.secondFactors.disableTotp(user, body.password, body.code, request.ip);
  }
}
