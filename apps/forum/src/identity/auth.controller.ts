import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, IdentityService } from '@kindred/identity';
import { DomainError, Public } from '@kindred/http';
import { LoginDto, RegisterDto } from './auth.dto';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Get('consent')
  consent() {
    return this.identity.currentConsent();
  }

  @Public()
  @Post('auth/register')
  register(@Body() body: RegisterDto) {
    const dob = new Date(`${body.dateOfBirth}T00:00:00Z`);
    if (dob.getTime() > Date.now()) throw DomainError.validation([{ field: 'dateOfBirth', message: 'dateOfBirth cannot be in the future' }]);
    return this.identity.register(body);
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    const userAgent = request.headers['user-agent'];
    return this.identity.login(body.email, body.password, request.ip, typeof userAgent === 'string' ? userAgent : null);
  }

  @ApiBearerAuth()
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.identity.logout(user);
  }
}
