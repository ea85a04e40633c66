import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { RulesService } from '@kindred/moderation';
import { RuleDto } from '../forum/forum.dto';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { RuleListView, RuleView } from './moderation.views';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';

const id = idParam;

@ApiTags('moderation')
@ApiBearerAuth()
@ApiProblems(401, 404)
@StaffEndpoint()
@Controller('groups/:groupId/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @ApiOkResponse({ type: RuleListView, description: 'The group’s watched-word rules.' })
  @Get()
  async list(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return { items: await this.rules.list(user, groupId) };
  }

  @ApiCreatedResponse({ type: RuleView })
  @ApiProblems(...JSON_BODY_PROBLEMS)
  @Post()
  create(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: RuleDto) {
    return this.rules.create(user, groupId, body);
  }

  @ApiNoContentResponse({ description: 'Removed.' })
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
