import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SearchService } from '@kindred/forum';
import { idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { ApiProblems, PARTICIPATION_PROBLEMS } from '../openapi';
import { SearchPageView, SearchQueryDto } from './search.dto';

@ApiTags('forum')
@ApiBearerAuth()
@Controller()
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get('groups/:groupId/search')
  @ApiOperation({
    summary: "Search the group's published posts and topic titles",
    description:
      'For participants (members who accepted the current agreement). Best match first; a title match counts for more than the same words in a post. Only published content is ever found.',
  })
  @ApiOkResponse({ type: SearchPageView })
  @ApiProblems(401, ...PARTICIPATION_PROBLEMS, 404, 'VALIDATION_FAILED')
  search(@CurrentUser() user: AuthUser, @Param('groupId', idParam('That group')) groupId: string, @Query() query: SearchQueryDto) {
    return this.searchService.search(user, groupId, query);
  }
}
