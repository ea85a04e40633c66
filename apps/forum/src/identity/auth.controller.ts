import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { AccountService, AuthUser, clearedSessionCookies, CurrentUser, IdentityService, secureCookies, sessionCookies } from '@kindred/identity';
import { DomainError, Public } from '@kindred/http';
import { LoginDto, LoginSecondFactorDto, PasswordResetConfirmDto, PasswordResetDto, RegisterDto, VerifyEmailDto } from './auth.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { CheckEmailView, ConsentView, LoginView, SecondFactorChallengeView } from './identity.views';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    private readonly account: AccountService,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  /** A signed-in answer also sets the web app's session cookies (docs/SECURITY.md, V3); API clients use the token. */
  private withCookies<T extends object>(reply: FastifyReply, answer: T): T {
    if ('token' in answer && typeof answer.token === 'string') reply.header('set-cookie', sessionCookies(answer.token, secureCookies(this.config.publicUrl)));
    return answer;
  }

  @Public()
  @ApiOkResponse({ type: ConsentView })
  @Get('consent')
  consent() {
    return this.identity.currentConsent();
  }

  @Public()
  @ApiOperation({
    summary: 'Register',
    description:
      'Always 202 `{ status: "check-email" }`, the same for a new and a known address. A new address is mailed a link to `/verify-email`; ' +
      'a known one a mail saying someone tried to register with it. 409 only when the display name is in use.',
  })
  @ApiAcceptedResponse({ type: CheckEmailView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409, 429, 503)
  @Post('auth/register')
  @HttpCode(202)
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest) {
    const dob = new Date(`${body.dateOfBirth}T00:00:00Z`);
    if (dob.getTime() > Date.now())
      throw DomainError.validation([{ field: 'dateOfBirth', message: 'Your date of birth cannot be in the future. Please check the year.' }]);
    return this.identity.register(body, request.ip);
  }

  @Public()
  @ApiOperation({
    summary: 'Verify an email address',
    description: 'The token from a mailed `/verify-email` link (registration or change of email). Single use.',
  })
  @ApiNoContentResponse({ description: 'Verified: the account can sign in, or now has the new address.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 410, 429, 503)
  @Post('auth/verify-email')
  @HttpCode(204)
  async verifyEmail(@Body() body: VerifyEmailDto, @Req() request: FastifyRequest): Promise<void> {
    await this.account.verifyEmail(body.token, request.ip);
  }

  @Public()
  @ApiOperation({
    summary: 'Ask for a password reset',
    description: 'Always 202; a known address is mailed a `/reset-password` link that works once, for 30 minutes.',
  })
  @ApiAcceptedResponse({ type: CheckEmailView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 429, 503)
  @Post('auth/password-reset')
  @HttpCode(202)
  requestPasswordReset(@Body() body: PasswordResetDto, @Req() request: FastifyRequest) {
    return this.account.requestPasswordReset(body.email, request.ip);
  }

  @Public()
  @ApiOperation({ summary: 'Choose a new password with a mailed link', description: 'Every session of the account ends, open chat sockets included.' })
  @ApiNoContentResponse({ description: 'The password is changed and every session has ended.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 410, 429, 503)
  @Post('auth/password-reset/confirm')
  @HttpCode(204)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() request: FastifyRequest): Promise<void> {
    await this.account.confirmPasswordReset(body.token, body.password, request.ip);
  }

  @Public()
  @ApiExtraModels(LoginView, SecondFactorChallengeView)
  @ApiOkResponse({
    description: 'Signed in; or, for an account with a second factor, `{ mfaRequired: true, mfaToken }` and no session yet.',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginView) }, { $ref: getSchemaPath(SecondFactorChallengeView) }] },
  })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 'EMAIL_NOT_VERIFIED', 429, 503)
  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const userAgent = request.headers['user-agent'];
    return this.withCookies(reply, await this.identity.login(body.email, body.password, request.ip, typeof userAgent === 'string' ? userAgent : null));
  }

  @Public()
  @ApiOperation({ summary: 'The second step of signing in: a code from the authenticator app, or a recovery code' })
  @ApiOkResponse({ type: LoginView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 429, 503)
  @Post('auth/login/mfa')
  @HttpCode(200)
  async loginWithSecondFactor(@Body() body: LoginSecondFactorDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const userAgent = request.headers['user-agent'];
    return this.withCookies(
      reply,
      await this.identity.loginWithSecondFactor(body.mfaToken, body.code, request.ip, typeof userAgent === 'string' ? userAgent : null),
    );
  }

  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Signed out: the token stops working everywhere, open sockets included, and the web app’s session cookies are cleared.',
  })
  @ApiProblems(401, 403)
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.identity.logout(user);
    reply.header('set-cookie', clearedSessionCookies(secureCookies(this.config.publicUrl)));
  }
}
