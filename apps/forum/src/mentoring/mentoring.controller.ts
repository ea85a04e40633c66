import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, idParam } from '@kindred/http';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { MentoringService } from '@kindred/mentoring';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';
import { ApiProblems, JSON_BODY_PROBLEMS, PARTICIPATION_PROBLEMS } from '../openapi';
import { ApproveMentorDto, AskDto, CheckInDto, EndDto, GoalDto, MatchDto, NoteDto, ProgrammeDto } from './mentoring.dto';
import {
  CheckInView,
  GoalView,
  MatchSuggestionView,
  MentoringRequestView,
  MentorView,
  MyMentoringView,
  ProgrammeView,
  RelationshipView,
  SessionNoteView,
} from './mentoring.views';

const id = idParam;

function stringAnswers(answers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: Array<{ field: string; message: string }> = [];
  for (const [key, value] of Object.entries(answers ?? {})) {
    if (typeof value !== 'string' || value.length > 100) problems.push({ field: `answers.${key}`, message: 'must be text of at most 100 characters' });
    else out[key] = value;
  }
  if (Object.keys(answers ?? {}).length > 20) problems.push({ field: 'answers', message: 'at most 20 answers' });
  if (problems.length > 0) throw DomainError.validation(problems);
  return out;
}

/** Peer mentoring: programmes, mentors, requests, matches, goals, check-ins and session notes. */
@ApiTags('mentoring')
@ApiBearerAuth()
@ApiProblems(401, 404)
@Controller()
export class MentoringController {
  constructor(private readonly mentoring: MentoringService) {}

  @ApiOkResponse({ type: ProgrammeView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403)
  @StaffEndpoint()
  @Put('groups/:groupId/mentoring/programme')
  setProgramme(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: ProgrammeDto) {
    return this.mentoring.setProgramme(user, groupId, { ...body, matchingQuestions: body.matchingQuestions.map((q) => ({ ...q })) });
  }

  @ApiOkResponse({ type: ProgrammeView })
  @Get('groups/:groupId/mentoring/programme')
  programme(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.mentoring.programme(user, groupId);
  }

  @ApiOkResponse({ type: MentorView, description: 'Approved, with their training record; approving again renews it.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 409)
  @StaffEndpoint()
  @Put('groups/:groupId/mentoring/mentors/:userId')
  approveMentor(
    @CurrentUser() user: AuthUser,
    @Param('groupId', id('That group')) groupId: string,
    @Param('userId', id('That person')) userId: string,
    @Body() body: ApproveMentorDto,
  ) {
    return this.mentoring.approveMentor(user, groupId, userId, { ...body.training }, stringAnswers(body.answers));
  }

  @ApiNoContentResponse()
  @ApiProblems(403)
  @StaffEndpoint()
  @HttpCode(204)
  @Delete('groups/:groupId/mentoring/mentors/:userId')
  async withdrawMentor(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Param('userId', id('That person')) userId: string) {
    await this.mentoring.withdrawMentor(user, groupId, userId);
  }

  @ApiOkResponse({ type: [MentorView], description: 'Each mentor’s training, load and overdue check-ins: coordinators only.' })
  @ApiProblems(403)
  @StaffEndpoint()
  @Get('groups/:groupId/mentoring/mentors')
  mentors(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.mentoring.mentors(user, groupId);
  }

  @ApiCreatedResponse({ type: MentoringRequestView })
  @ApiProblems(...JSON_BODY_PROBLEMS, ...PARTICIPATION_PROBLEMS, 409)
  @Post('groups/:groupId/mentoring/requests')
  ask(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string, @Body() body: AskDto) {
    return this.mentoring.ask(user, groupId, stringAnswers(body.answers));
  }

  @ApiOkResponse({ type: [MentoringRequestView], description: 'Requests waiting for a match: coordinators only.' })
  @ApiProblems(403)
  @StaffEndpoint()
  @Get('groups/:groupId/mentoring/requests')
  requests(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.mentoring.openRequests(user, groupId);
  }

  @ApiOkResponse({ type: [RelationshipView], description: 'Every relationship, with end reasons and overdue check-ins: coordinators only.' })
  @ApiProblems(403)
  @StaffEndpoint()
  @Get('groups/:groupId/mentoring/relationships')
  relationships(@CurrentUser() user: AuthUser, @Param('groupId', id('That group')) groupId: string) {
    return this.mentoring.programmeRelationships(user, groupId);
  }

  @ApiOkResponse({ type: [MatchSuggestionView], description: 'Mentors who can take the member, best match first.' })
  @StaffEndpoint()
  @Get('mentoring/requests/:requestId/suggestions')
  suggestions(@CurrentUser() user: AuthUser, @Param('requestId', id('That request')) requestId: string) {
    return this.mentoring.suggestions(user, requestId);
  }

  @ApiCreatedResponse({ type: RelationshipView, description: 'Proposed: both people are asked to agree.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 409)
  @StaffEndpoint()
  @Post('mentoring/requests/:requestId/match')
  match(@CurrentUser() user: AuthUser, @Param('requestId', id('That request')) requestId: string, @Body() body: MatchDto) {
    return this.mentoring.match(user, requestId, body.mentorId);
  }

  @ApiOkResponse({ type: MyMentoringView })
  @Get('me/mentoring')
  mine(@CurrentUser() user: AuthUser) {
    return this.mentoring.mine(user);
  }

  @ApiOkResponse({ type: RelationshipView })
  @Get('mentoring/relationships/:relationshipId')
  relationship(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string) {
    return this.mentoring.relationship(user, relationshipId);
  }

  @ApiOkResponse({ type: RelationshipView, description: 'Once both have agreed it starts, and its conversation opens.' })
  @ApiProblems(403, 409)
  @HttpCode(200)
  @Post('mentoring/relationships/:relationshipId/agree')
  agree(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string) {
    return this.mentoring.agree(user, relationshipId);
  }

  @ApiOkResponse({ type: RelationshipView, description: 'Ended, and its conversation closed for both.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 409)
  @HttpCode(200)
  @Post('mentoring/relationships/:relationshipId/end')
  end(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string, @Body() body: EndDto) {
    return this.mentoring.end(user, relationshipId, body.reason);
  }

  @ApiOkResponse({ type: [GoalView] })
  @ApiProblems(403)
  @Get('mentoring/relationships/:relationshipId/goals')
  goals(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string) {
    return this.mentoring.goals(user, relationshipId);
  }

  @ApiCreatedResponse({ type: GoalView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 409)
  @Post('mentoring/relationships/:relationshipId/goals')
  addGoal(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string, @Body() body: GoalDto) {
    return this.mentoring.addGoal(user, relationshipId, body);
  }

  @ApiCreatedResponse({ type: CheckInView, description: 'Goals reviewed; the next check-in falls due a period from now.' })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 409)
  @Post('mentoring/relationships/:relationshipId/check-ins')
  checkIn(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string, @Body() body: CheckInDto) {
    return this.mentoring.recordCheckIn(
      user,
      relationshipId,
      body.reviews.map((r) => ({ ...r })),
    );
  }

  @ApiOkResponse({ type: [SessionNoteView], description: 'The mentor and coordinators only.' })
  @ApiProblems(403)
  @Get('mentoring/relationships/:relationshipId/notes')
  notes(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string) {
    return this.mentoring.notes(user, relationshipId);
  }

  @ApiCreatedResponse({ type: SessionNoteView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 409)
  @Post('mentoring/relationships/:relationshipId/notes')
  addNote(@CurrentUser() user: AuthUser, @Param('relationshipId', id('That mentoring relationship')) relationshipId: string, @Body() body: NoteDto) {
    return this.mentoring.addNote(user, relationshipId, body.body);
  }
}
