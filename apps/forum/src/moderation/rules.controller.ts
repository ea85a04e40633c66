import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { RulesService } from '@kindred/moderation';
import { RuleDto } from '../forum/forum.dto';

const id = idParam;

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('groups/:groupId/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  async list(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return { items: await this.rules.list(user, groupId) };
  }

  @Post()
  create(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: RuleDto) {
    return this.rules.create(user, groupId, body);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('groupId', id('That group')) groupId: string,
    @Param('ruleId', id('That rule')) ruleId: string,
  ): Promise<void> {
    await this.rules.remove(user, groupId, ruleId);
  }
}
