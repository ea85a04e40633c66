import { Body, Controller, Delete, Get, HttpCode, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, DataRightsService } from '@kindred/identity';
import { DeleteAccountDto } from './auth.dto';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class DataRightsController {
  constructor(private readonly dataRights: DataRightsService) {}

  /** Everything Kindred holds about the caller. */
  @Get('export')
  export(@CurrentUser() user: AuthUser) {
    return this.dataRights.export(user);
  }

  /** Erases the account; the password confirms it is really the member asking. */
  @Delete()
  @HttpCode(204)
  async erase(@CurrentUser() user: AuthUser, @Body() body: DeleteAccountDto, @Req() request: FastifyRequest): Promise<void> {
    await this.dataRights.erase(user, body.password, request.ip);
  }
}
