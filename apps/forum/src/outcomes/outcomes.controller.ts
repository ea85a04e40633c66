import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { CommissionersService, ImpactService, MeasuresService, QuestionnairesService, VoiceService } from '@kindred/outcomes';
import { AdminOnly } from '../groups/admin-only.guard';
import { groupIdParam, idParam } from '../groups/id-param.pipe';
import { StaffEndpoint } from '../identity/staff-endpoint.guard';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import {
  AnswerQuestionnaireDto,
  AttachMeasureDto,
  CommentDto,
  CreateMeasureDto,
  FeedbackDto,
  GrantCommissionerDto,
  ImpactQueryDto,
  ProposeAgreementDto,
} from './outcomes.dto';
import {
  AttachmentResponse,
  CommentResponse,
  CommissionerGrantResponse,
  FeedbackReceiptView,
  FeedbackResponse,
  ImpactAccessView,
  ImpactReportView,
  MeasureResponse,
  ProposalResponse,
  QuestionnaireResponse,
} from './outcomes.views';

/** Outcome measures and where they are asked: platform admins only. */
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiProblems(401)
@Controller()
export class MeasuresController {
  constructor(private readonly measures: MeasuresService) {}

  @AdminOnly()
  @ApiOkResponse({ type: [MeasureResponse] })
  @Get('outcome-measures')
  list(@CurrentUser() user: AuthUser) {
    return this.measures.list(user);
  }

  /** A measure of the service's own (or a licensed instrument's questions, entered by its licence holder: docs/OUTCOMES.md). */
  @AdminOnly()
  @ApiCreatedResponse({ type: MeasureResponse })
  @ApiProblems(...JSON_BODY_PROBLEMS)
  @Post('outcome-measures')
  create(@CurrentUser() user: AuthUser, @Body() body: CreateMeasureDto) {
    return this.measures.create(user, body);
  }

  @AdminOnly()
  @ApiOkResponse({ type: [AttachmentResponse] })
  @ApiProblems(404)
  @Get('groups/:groupId/outcome-measures')
  attachments(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.measures.attachmentsOf(user, groupId);
  }

  /** Asks the group's members: the baseline now (or when they join), then at each interval after it. */
  @AdminOnly()
  @ApiCreatedResponse({ type: AttachmentResponse })
  @ApiProblems(...JSON_BODY_PROBLEMS, 404, 409)
  @Post('groups/:groupId/outcome-measures')
  attach(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: AttachMeasureDto) {
    return this.measures.attach(user, groupId, body);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'No more questionnaires of this measure go out in the group.' })
  @ApiProblems(404, 409)
  @Delete('groups/:groupId/outcome-measures/:attachmentId')
  @HttpCode(204)
  async end(
    @CurrentUser() user: AuthUser,
    @Param('groupId', groupIdParam) groupId: string,
    @Param('attachmentId', idParam('That attachment')) attachmentId: string,
  ): Promise<void> {
    await this.measures.end(user, groupId, attachmentId);
  }
}

/** The questionnaires sent to the caller. Nobody else, admins included, reads a member's answers. */
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiProblems(401)
@Controller()
export class QuestionnairesController {
  constructor(private readonly questionnaires: QuestionnairesService) {}

  @ApiOkResponse({ type: [QuestionnaireResponse], description: 'Unanswered first, then newest.' })
  @Get('me/questionnaires')
  mine(@CurrentUser() user: AuthUser) {
    return this.questionnaires.listFor(user.id);
  }

  @ApiOkResponse({ type: QuestionnaireResponse })
  @ApiProblems(404)
  @Get('questionnaires/:questionnaireId')
  get(@CurrentUser() user: AuthUser, @Param('questionnaireId', idParam('That questionnaire')) id: string) {
    return this.questionnaires.get(user.id, id);
  }

  /** Every question answered once, each with a whole number on its scale. */
  @ApiOkResponse({ type: QuestionnaireResponse })
  @ApiProblems(...JSON_BODY_PROBLEMS, 404, 409)
  @Post('questionnaires/:questionnaireId/answers')
  @HttpCode(200)
  answer(@CurrentUser() user: AuthUser, @Param('questionnaireId', idParam('That questionnaire')) id: string, @Body() body: AnswerQuestionnaireDto) {
    return this.questionnaires.answer(user.id, id, body.answers);
  }
}

/** The commissioner role: granted and ended by platform admins. */
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('commissioners')
export class CommissionersController {
  constructor(private readonly commissioners: CommissionersService) {}

  @AdminOnly()
  @ApiOkResponse({ type: [CommissionerGrantResponse] })
  @Get()
  list(@CurrentUser() user: AuthUser) {
    return this.commissioners.list(user);
  }

  @AdminOnly()
  @ApiCreatedResponse({
    type: CommissionerGrantResponse,
    description: 'The grant (the one already there, when the same person and scope were granted before).',
  })
  @ApiProblems(...JSON_BODY_PROBLEMS, 404)
  @Post()
  grant(@CurrentUser() user: AuthUser, @Body() body: GrantCommissionerDto) {
    return this.commissioners.grant(user, body.userId, body.groupId ?? null);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'The grant is ended.' })
  @ApiProblems(404)
  @Delete(':grantId')
  @HttpCode(204)
  async revoke(@CurrentUser() user: AuthUser, @Param('grantId', idParam('That grant')) grantId: string): Promise<void> {
    await this.commissioners.revoke(user, grantId);
  }
}

/**
 * The impact report: aggregates only, every cell resting on fewer than 10 people withheld (null in
 * JSON, "fewer than 10" in CSV). Platform admins and commissioners, with two-step sign-in.
 */
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('impact')
export class ImpactController {
  constructor(private readonly impact: ImpactService) {}

  /** Which groups the caller may choose (403 for anyone who may read none). No figures, so no second factor needed to ask. */
  @ApiOkResponse({ type: ImpactAccessView })
  @ApiProblems(403)
  @Get('access')
  access(@CurrentUser() user: AuthUser) {
    return this.impact.access(user);
  }

  @StaffEndpoint()
  @ApiOkResponse({ type: ImpactReportView })
  @ApiProblems(404, 422)
  @Get('report')
  report(@CurrentUser() user: AuthUser, @Query() query: ImpactQueryDto) {
    return this.impact.report(user, query);
  }

  @StaffEndpoint()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The same report as CSV: section, period, figure, value; withheld cells read "fewer than 10".', schema: { type: 'string' } })
  @ApiProblems(404, 422)
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="kindred-impact-report.csv"')
  @Header('cache-control', 'no-store')
  @Get('report.csv')
  csv(@CurrentUser() user: AuthUser, @Query() query: ImpactQueryDto) {
    return this.impact.csv(user, query);
  }
}

/** Members' voice: feedback to a group, and comments on proposed agreement changes before they are published. */
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiProblems(401)
@Controller()
export class VoiceController {
  constructor(private readonly voice: VoiceService) {}

  /** Feedback to the group's supporters (who read it without your name) and admins. */
  @ApiCreatedResponse({ type: FeedbackReceiptView })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 404)
  @Post('groups/:groupId/feedback')
  give(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: FeedbackDto) {
    return this.voice.giveFeedback(user, groupId, body.body);
  }

  @StaffEndpoint()
  @ApiOkResponse({ type: [FeedbackResponse], description: 'Newest first. Supporters: no author. Admins: the author.' })
  @ApiProblems(404)
  @Get('groups/:groupId/feedback')
  feedback(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.voice.feedback(user, groupId);
  }

  @AdminOnly()
  @ApiCreatedResponse({ type: ProposalResponse })
  @ApiProblems(...JSON_BODY_PROBLEMS, 404)
  @Post('groups/:groupId/agreement-proposals')
  propose(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string, @Body() body: ProposeAgreementDto) {
    return this.voice.propose(user, groupId, body);
  }

  @ApiOkResponse({ type: [ProposalResponse] })
  @ApiProblems(403, 404)
  @Get('groups/:groupId/agreement-proposals')
  proposals(@CurrentUser() user: AuthUser, @Param('groupId', groupIdParam) groupId: string) {
    return this.voice.proposals(user, groupId);
  }

  @ApiCreatedResponse({ type: CommentResponse })
  @ApiProblems(...JSON_BODY_PROBLEMS, 403, 404, 409)
  @Post('agreement-proposals/:proposalId/comments')
  comment(@CurrentUser() user: AuthUser, @Param('proposalId', idParam('That proposal')) proposalId: string, @Body() body: CommentDto) {
    return this.voice.comment(user, proposalId, body.body);
  }

  /** Publishes the proposed clauses as the group's next agreement version; members accept it as any new version. */
  @AdminOnly()
  @ApiOkResponse({ type: ProposalResponse })
  @ApiProblems(404, 409, 422)
  @Post('agreement-proposals/:proposalId/publish')
  @HttpCode(200)
  publish(@CurrentUser() user: AuthUser, @Param('proposalId', idParam('That proposal')) proposalId: string) {
    return this.voice.publish(user, proposalId);
  }

  @AdminOnly()
  @ApiNoContentResponse({ description: 'Withdrawn: not published, no more comments.' })
  @ApiProblems(404, 409)
  @Delete('agreement-proposals/:proposalId')
  @HttpCode(204)
  async withdraw(@CurrentUser() user: AuthUser, @Param('proposalId', idParam('That proposal')) proposalId: string): Promise<void> {
    await this.voice.withdraw(user, proposalId);
  }
}

export const OUTCOMES_CONTROLLERS = [MeasuresController, QuestionnairesController, CommissionersController, ImpactController, VoiceController];
