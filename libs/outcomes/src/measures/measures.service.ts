import { Injectable } from '@nestjs/common';
import { DomainError } from '@kindred/domain';
import { GroupsService } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import { assertUuid } from '../ids';
import { MeasureView, validateIntervals, validateQuestions } from './measure';
import { AttachmentView, MeasuresRepository } from './measures.repository';

export interface NewMeasure {
  title: string;
  description?: string;
  questions: unknown;
}

export interface NewAttachmentInput {
  measureId: string;
  intervalsMonths: unknown;
}

/** Outcome measures and where they are asked: platform admins define measures and attach them to groups. */
@Injectable()
export class MeasuresService {
  constructor(
    private readonly measures: MeasuresRepository,
    private readonly groups: GroupsService,
  ) {}

  list(user: AuthUser): Promise<MeasureView[]> {
    assertAdmin(user);
    return this.measures.list();
  }

  /** A new measure. Measures do not change once made, so answers given to one always mean the same thing. */
  async create(user: AuthUser, input: NewMeasure): Promise<MeasureView> {
    assertAdmin(user);
    const questions = validateQuestions(input.questions);
    return this.measures.insert({ title: input.title.trim(), description: (input.description ?? '').trim(), questions, createdBy: user.id });
  }

  async attachmentsOf(user: AuthUser, groupId: string): Promise<AttachmentView[]> {
    assertAdmin(user);
    await this.assertGroup(groupId);
    return this.measures.attachmentsOf(groupId);
  }

  /** Starts asking the group's members: the baseline at the next tick, then each follow-up after it. */
  async attach(user: AuthUser, groupId: string, input: NewAttachmentInput): Promise<AttachmentView> {
    assertAdmin(user);
    await this.assertGroup(groupId);
    const intervalsMonths = validateIntervals(input.intervalsMonths);
    assertUuid(input.measureId, 'That measure');
    if (!(await this.measures.find(input.measureId))) throw DomainError.notFound('That measure');
    const attached = await this.measures.attach({ measureId: input.measureId, groupId, programmeId: null, intervalsMonths, attachedBy: user.id });
    if (!attached) throw DomainError.conflict('That measure is already asked in this group. End it first to change its intervals.');
    return attached;
  }

  /** Stops sending; what members answered stays theirs and stays in the report. */
  async end(user: AuthUser, groupId: string, attachmentId: string): Promise<void> {
    assertAdmin(user);
    assertUuid(attachmentId, 'That attachment');
    const attachment = await this.measures.findAttachment(attachmentId);
    if (!attachment || attachment.groupId !== groupId) throw DomainError.notFound('That attachment');
    if (!(await this.measures.end(attachmentId, new Date()))) throw DomainError.conflict('That measure is no longer asked in this group.');
  }

  private async assertGroup(groupId: string): Promise<void> {
    assertUuid(groupId, 'That group');
    await this.groups.assertExists(groupId);
  }
}

export function assertAdmin(user: AuthUser): void {
  if (!user.isAdmin) throw DomainError.forbidden('Only admins can manage outcome measures.');
}
