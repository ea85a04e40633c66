import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { DomainError } from '@kindred/domain';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { assertUuid } from '../ids';
import { Question, validateAnswers } from '../measures/measure';
import { MeasuresRepository } from '../measures/measures.repository';
import { QuestionnaireRow, QuestionnairesRepository } from './questionnaires.repository';

/** A questionnaire as the member it was sent to sees it (`GET /me/questionnaires`). */
export interface QuestionnaireView {
  id: string;
  groupId: string;
  measureId: string;
  title: string;
  description: string;
  questions: Question[];
  /** 0 for the baseline; otherwise months after it. */
  wave: number;
  sentAt: Date;
  answers: Record<string, number> | null;
  answeredAt: Date | null;
}

export interface TickResult {
  sent: number;
}

/** What the notice says. No group name, no condition: the questionnaire screen shows the rest. */
export const QUESTIONNAIRE_NOTICE = (wave: number) =>
  wave === 0
    ? 'Your group would like to know how you are getting on: three or so questions on a scale, a couple of minutes. Only you see your answers; the group sees only totals of ten people or more.'
    : `It is ${wave} months since you first answered your group’s questions about how you are getting on. Would you answer them again? Only you see your answers; the group sees only totals of ten people or more.`;

/** Sends outcome questionnaires when they fall due and takes members' answers. */
@Injectable()
export class QuestionnairesService {
  private readonly logger = new Logger(QuestionnairesService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly measures: MeasuresRepository,
    private readonly questionnaires: QuestionnairesRepository,
    private readonly notices: NoticesService,
  ) {}

  /**
   * Sends every questionnaire due at `now` (a parameter so tests move the clock instead of waiting),
   * each with a notice, in one transaction per attachment; the notices are announced after commit.
   * Several workers may tick at once: each wave reaches each member once.
   */
  async tick(now: Date = new Date()): Promise<TickResult> {
    let sent = 0;
    for (const attachment of await this.measures.liveGroupAttachments()) {
      const notices: NoticeView[] = await this.transactions.run(async (tx) => {
        const due = await this.questionnaires.sendDue(tx, attachment, now);
        const created: NoticeView[] = [];
        for (const q of due) {
          created.push(
            await this.notices.create(
              { userId: q.userId, kind: 'questionnaire', groupId: attachment.groupId, subjectId: q.id, message: QUESTIONNAIRE_NOTICE(q.wave) },
              tx,
            ),
          );
        }
        return created;
      });
      sent += notices.length;
      for (const notice of notices) await this.notices.announce(notice);
    }
    if (sent > 0) this.logger.log({ sent }, 'questionnaires sent');
    return { sent };
  }

  async listFor(userId: string): Promise<QuestionnaireView[]> {
    return (await this.questionnaires.listFor(userId)).map(toView);
  }

  /** Only the member it was sent to sees a questionnaire; to anyone else (an admin, a commissioner) it does not exist. */
  async get(userId: string, id: string): Promise<QuestionnaireView> {
    return toView(await this.own(userId, id));
  }

  /** Each question answered once, with a whole number on its scale. */
  async answer(userId: string, id: string, input: unknown): Promise<QuestionnaireView> {
    const questionnaire = await this.own(userId, id);
    if (questionnaire.answers) throw DomainError.conflict('You have already answered this questionnaire.');
    const answers = validateAnswers(questionnaire.questions, input);
    if (!(await this.questionnaires.answer(id, userId, answers, new Date()))) {
      throw DomainError.conflict('You have already answered this questionnaire.');
    }
    return this.get(userId, id);
  }

  private async own(userId: string, id: string): Promise<QuestionnaireRow> {
    assertUuid(id, 'That questionnaire');
    const row = await this.questionnaires.find(id);
    if (!row || row.userId !== userId) throw DomainError.notFound('That questionnaire');
    return row;
  }
}

function toView(row: QuestionnaireRow): QuestionnaireView {
  return {
    id: row.id,
    groupId: row.groupId,
    measureId: row.measureId,
    title: row.title,
    description: row.description,
    questions: row.questions,
    wave: row.wave,
    sentAt: row.sentAt,
    answers: row.answers,
    answeredAt: row.answeredAt,
  };
}
