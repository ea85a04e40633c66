import { Body, Controller, Delete, Get, HttpCode, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, DataRightsService } from '@kindred/identity';
import { DeleteAccountDto } from './auth.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { PersonalDataExportView } from './identity.views';

@ApiTags('identity')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('me')
export class DataRightsController {
  constructor(private readonly dataRights: DataRightsService) {}

  /** Everything Kindred holds about the caller. */
  @ApiOkResponse({ type: PersonalDataExportView })
  @Get('export')
  export(@CurrentUser() user: AuthUser) {
    return this.dataRights.export(user);
  }

  /** Erases the account; the password confirms it is really the member asking. */
  @ApiNoContentResponse({ description: 'The account is erased.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 429, 503)
  @Delete()
  @HttpCode(204)
  async erase(@CurrentUser() user: AuthUser, @Body() body: DeleteAccountDto, @Req() request: FastifyRequest): Promise<void> {
    await this.dataRights.erase(user, body.password, request.ip);
  }
}
