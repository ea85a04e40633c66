import { Body, Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  async erase(@CurrentUser() user: AuthUser, @Body() body: DeleteAccountDto): Promise<void> {
    await this.dataRights.erase(user, body.password);
  }
}
