import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { DomainError, Public } from '@kindred/http';
import { LoginDto, RegisterDto } from './auth.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { ConsentView, LoginView, UserSummaryView } from './identity.views';

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
  @ApiOkResponse({ type: LoginView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 401, 429)
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    const userAgent = request.headers['user-agent'];
    return this.identity.login(body.email, body.password, request.ip, typeof userAgent === 'string' ? userAgent : null);
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
