import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { DomainError, Public } from '@kindred/http';
import { LoginDto, LoginSecondFactorDto, RegisterDto } from './auth.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ConsentView, LoginView, SecondFactorChallengeView, UserSummaryView } from './identity.views';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @ApiOkResponse({ type: ConsentView })
  @Get('consent')
  consent() {
    return this.identity.currentConsent();
  }

  @Public()
  @ApiCreatedResponse({ type: UserSummaryView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @Post('auth/register')
  register(@Body() body: RegisterDto) {
    const dob = new Date(`${body.dateOfBirth}T00:00:00Z`);
    if (dob.getTime() > Date.now()) throw DomainError.validation([{ field: 'dateOfBirth', message: 'dateOfBirth cannot be in the future' }]);
    return this.identity.register(body);
  }

  @Public()
  @ApiExtraModels(LoginView, SecondFactorChallengeView)
  @ApiOkResponse({
    description: 'Signed in; or, for an account with a second factor, `{ mfaRequired: true, mfaToken }` and no session yet.',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginView) }, { $ref: getSchemaPath(SecondFactorChallengeView) }] },
  })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 429)
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    const userAgent = request.headers['user-agent'];
    return this.identity.login(body.email, body.password, request.ip, typeof userAgent === 'string' ? userAgent : null);
  }

  @Public()
  @ApiOperation({ summary: 'The second step of signing in: a code from the authenticator app, or a recovery code' })
  @ApiOkResponse({ type: LoginView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 429, 503)
  @Post('auth/login/mfa')
  @HttpCode(200)
  loginWithSecondFactor(@Body() body: LoginSecondFactorDto, @Req() request: FastifyRequest) {
    const userAgent = request.headers['user-agent'];
    return this.identity.loginWithSecondFactor(body.mfaToken, body.code, request.ip, typeof userAgent === 'string' ? userAgent : null);
  }

  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Signed out: the token stops working everywhere, open sockets included.' })
  @ApiProblems(401)
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.identity.logout(user);
  }
}
