import { Injectable } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { decodeCursor, DomainError, FieldError, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { SignpostingService } from '@kindred/signposting';
import { AgreementsService, AgreementView } from '../agreements/agreements.service';
import { Eligibility, validateEligibility } from '../eligibility/eligibility';
import { isUuid } from '../ids';
import { MembershipsRepository } from '../membership/memberships.repository';
import { ParticipationService } from '../membership/participation.service';
import { Group } from './group.entity';
import { GroupsRepository, NewGroup } from './groups.repository';
import { ModerationSettings, resolveModerationSettings } from './moderation-settings';
import { GroupsConflict } from '../groups-errors';
import { changedKeys, ConfigurationTrail, TrailValue } from '../configuration-trail';

/** What the moderation pipeline needs to know about a group. */
export interface GroupSettings {
  id: string;
  slug: string;
  name: string;
  moderation: ModerationSettings;
  slowModeSeconds: number;
  chatRetentionDays: number;
}

/** The public directory entry: what an applicant needs to decide whether to apply, and never any content. */
export interface GroupDirectoryEntry {
  id: string;
  slug: string;
  name: string;
  description: string;
  condition: string;
  eligibility: Eligibility;
}

/** What admins and the group's supporters see. */
export interface GroupView extends GroupDirectoryEntry {
  /** A draft is not in the directory and takes no applications until an admin opens it. */
  draft: boolean;
  openedAt: Date | null;
  moderation: ModerationSettings;
  slowModeSeconds: number;
  chatRetentionDays: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupInput {
  slug: string;
  name: string;
  description: string;
  condition: string;
  eligibility?: unknown;
  moderation?: unknown;
  slowModeSeconds?: number;
  chatRetentionDays?: number;
  /** Create it as a draft, opened later with `open` (admins set it up first). */
  draft?: boolean;
}

/** Groups are 18+ unless an admin decides otherwise (DESIGN.md, privacy: the ICO children's code). */
const DEFAULT_ELIGIBILITY: Eligibility = { minAge: 18, questions: [] };

@Injectable()
export class GroupsService {
  constructor(
    private readonly repository: GroupsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly transactions: Transactions,
    private readonly agreements: AgreementsService,
    private readonly participation: ParticipationService,
    private readonly signposting: SignpostingService,
    private readonly identity: IdentityService,
    private readonly trail: ConfigurationTrail,
  ) {}

  /** The directory, by name. */
  async directory(page: PageQuery = {}): Promise<Page<GroupDirectoryEntry>> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { name: 'text', id: 'uuid' });
    const rows = await this.repository.page(limit + 1, cursor ? { name: String(cursor.name), id: String(cursor.id) } : null);
    return toPage(rows, limit, (g) => ({ name: g.name, id: g.id }), toDirectoryEntry);
  }

  /** Anyone may read the directory entry; the group's supporters and admins also see how it is moderated. */
  async get(user: AuthUser | undefined, groupId: string): Promise<GroupDirectoryEntry | GroupView> {
    const group = await this.findOrNotFound(groupId);
    const moderator = await this.participation.isModerator(user, groupId);
    // A draft does not exist for anyone but the admins and supporters setting it up.
    if (!group.openedAt && !moderator) throw DomainError.notFound('That group');
    return moderator ? toView(group) : toDirectoryEntry(group);
  }

  /** POST /groups/:groupId/open — a draft goes into the directory and takes applications. Opening an open group changes nothing. */
  async open(user: AuthUser, groupId: string): Promise<GroupView> {
    this.assertAdmin(user);
    await this.findOrNotFound(groupId);
    await this.transactions.run(async (tx) => {
      const before = await this.repository.findForUpdate(tx, groupId);
      if (!before || before.openedAt) return;
      const openedAt = new Date();
      await this.repository.update(groupId, { openedAt }, tx);
      await this.trail.record(tx, {
        actorId: user.id,
        groupId,
        action: 'group.open',
        subjectType: 'group',
        subjectId: groupId,
        before: { draft: true },
        after: { draft: false, openedAt: openedAt.toISOString() },
      });
    });
    return toView(await this.findOrNotFound(groupId));
  }

  async create(user: AuthUser, input: GroupInput): Promise<GroupView> {
    this.assertAdmin(user);
    const { eligibility, moderation, errors } = this.checkSettings(input.eligibility ?? DEFAULT_ELIGIBILITY, input.moderation, undefined);
    if (errors.length > 0) throw DomainError.validation(errors);
    await this.assertSlugFree(input.slug);
    const group = await this.transactions.run(async (tx) => {
      const row = await this.repository.insert(tx, {
        slug: input.slug,
        name: input.name.trim(),
        description: input.description.trim(),
        condition: input.condition.trim(),
        eligibility: eligibility!,
        moderation: moderation!,
        slowModeSeconds: input.slowModeSeconds ?? 0,
        chatRetentionDays: input.chatRetentionDays ?? 90,
        openedAt: input.draft ? null : new Date(),
      });
      // A new group starts with the template agreement and the UK crisis lines (DESIGN.md, "Defaults").
      await this.agreements.publishTemplate(tx, row.id, user.id);
      await this.signposting.seedDefaults(row.id, tx);
      await this.trail.record(tx, {
        actorId: user.id,
        groupId: row.id,
        action: 'group.create',
        subjectType: 'group',
        subjectId: row.id,
        before: null,
        after: settingsOf(row),
      });
      return row;
    });
    return toView(group);
  }

  async update(user: AuthUser, groupId: string, input: Partial<GroupInput>): Promise<GroupView> {
    this.assertAdmin(user);
    const group = await this.findOrNotFound(groupId);
    const { eligibility, moderation, errors } = this.checkSettings(input.eligibility, input.moderation, group.moderation);
    if (errors.length > 0) throw DomainError.validation(errors);
    if (input.slug !== undefined && input.slug !== group.slug) await this.assertSlugFree(input.slug);
    const changes: Partial<NewGroup> = {
      ...(input.slug !== undefined ? { slug: input.slug } : {}),
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(input.condition !== undefined ? { condition: input.condition.trim() } : {}),
      ...(eligibility !== undefined ? { eligibility } : {}),
      ...(moderation !== undefined ? { moderation } : {}),
      ...(input.slowModeSeconds !== undefined ? { slowModeSeconds: input.slowModeSeconds } : {}),
      ...(input.chatRetentionDays !== undefined ? { chatRetentionDays: input.chatRetentionDays } : {}),
    };
    if (Object.keys(changes).length > 0) {
      await this.transactions.run(async (tx) => {
        const before = await this.repository.findForUpdate(tx, groupId);
        if (!before) throw DomainError.notFound('That group');
        const was = settingsOf(before);
        await this.repository.update(groupId, changes, tx);
        // Only what changed, before and after: the audit log shows an admin's edit as it was made.
        const diff = changedKeys(was, settingsOf({ ...before, ...changes } as Group));
        if (Object.keys(diff.after).length > 0) {
          await this.trail.record(tx, { actorId: user.id, groupId, action: 'group.settings', subjectType: 'group', subjectId: groupId, ...diff });
        }
      });
    }
    return toView(await this.findOrNotFound(groupId));
  }

  async getSettings(groupId: string): Promise<GroupSettings | null> {
    const group = await this.find(groupId);
    if (!group) return null;
    return {
      id: group.id,
      slug: group.slug,
      name: group.name,
      moderation: group.moderation,
      slowModeSeconds: group.slowModeSeconds,
      chatRetentionDays: group.chatRetentionDays,
    };
  }

  /** 404 NOT_FOUND unless the group exists. */
  async assertExists(groupId: string): Promise<void> {
    await this.findOrNotFound(groupId);
  }

  currentAgreement(groupId: string): Promise<AgreementView | null> {
    return this.agreements.current(groupId);
  }

  isCurrentClause(groupId: string, clauseKey: string): Promise<boolean> {
    return this.agreements.isCurrentClause(groupId, clauseKey);
  }

  /** 422 VALIDATION_FAILED on `clauseKey` unless it is a clause of the group's current agreement. */
  assertClause(groupId: string, clauseKey: string): Promise<void> {
    return this.agreements.assertClause(groupId, clauseKey);
  }

  /** Group names by id, for lists that span groups (a person's own posts). */
  names(groupIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(groupIds)].filter(isUuid);
    return this.repository.names(ids);
  }

  /** The group's active supporters. */
  async supporterIds(groupId: string): Promise<string[]> {
    if (!isUuid(groupId)) return [];
    return this.memberships.supporterIds(groupId);
  }

  /** Admins are an identity fact; asked of the identity context rather than its table. */
  adminIds(): Promise<string[]> {
    return this.identity.adminIds();
  }

  private async find(groupId: string): Promise<Group | null> {
    if (!isUuid(groupId)) return null;
    return this.repository.find(groupId);
  }

  private async findOrNotFound(groupId: string): Promise<Group> {
    const group = await this.find(groupId);
    if (!group) throw DomainError.notFound('That group');
    return group;
  }

  private assertAdmin(user: AuthUser): void {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can create or change groups.');
  }

  private async assertSlugFree(slug: string): Promise<void> {
    if (await this.repository.slugTaken(slug)) throw DomainError.conflict(`Another group already uses the address "${slug}".`, GroupsConflict.SLUG_TAKEN);
  }

  /** Validates whichever of eligibility and moderation were sent; moderation is merged over `current` (or the defaults). */
  private checkSettings(
    eligibilityInput: unknown,
    moderationInput: unknown,
    current: ModerationSettings | undefined,
  ): { eligibility?: Eligibility; moderation?: ModerationSettings; errors: FieldError[] } {
    const errors: FieldError[] = [];
    let eligibility: Eligibility | undefined;
    if (eligibilityInput !== undefined) {
      const problems = validateEligibility(eligibilityInput);
      if (problems.length > 0) errors.push(...problems);
      else eligibility = normaliseEligibility(eligibilityInput as Eligibility);
    }
    let moderation: ModerationSettings | undefined;
    if (moderationInput !== undefined || current === undefined) {
      const resolved = resolveModerationSettings(moderationInput, current);
      if (resolved.ok) moderation = resolved.settings;
      else errors.push(...resolved.errors);
    }
    return { eligibility, moderation, errors };
  }
}

function normaliseEligibility(e: Eligibility): Eligibility {
  return {
    ...(e.minAge !== undefined ? { minAge: e.minAge } : {}),
    ...(e.maxAge !== undefined ? { maxAge: e.maxAge } : {}),
    questions: e.questions.map((q) => ({
      key: q.key,
      prompt: q.prompt.trim(),
      required: q.required,
      ...(q.expected !== undefined ? { expected: q.expected.trim() } : {}),
    })),
  };
}

/**
 * The eligibility an applicant sees: the questions without their expected answers, which would
 * tell anyone how to word an application to get past review.
 */
function publicEligibility(e: Eligibility): Eligibility {
  return { ...e, questions: e.questions.map(({ key, prompt, required }) => ({ key, prompt, required })) };
}

/** A group's configuration as the audit log keeps it. */
function settingsOf(g: Group): Record<string, TrailValue> {
  return {
    slug: g.slug,
    name: g.name,
    description: g.description,
    condition: g.condition,
    eligibility: JSON.parse(JSON.stringify(g.eligibility)) as TrailValue,
    moderation: JSON.parse(JSON.stringify(g.moderation)) as TrailValue,
    slowModeSeconds: g.slowModeSeconds,
    chatRetentionDays: g.chatRetentionDays,
    draft: !g.openedAt,
  };
}

function toDirectoryEntry(g: Group): GroupDirectoryEntry {
  return { id: g.id, slug: g.slug, name: g.name, description: g.description, condition: g.condition, eligibility: publicEligibility(g.eligibility) };
}

/** Admins and the group's supporters: the expected answers included, for reviewing and editing. */
function toView(g: Group): GroupView {
  return {
    ...toDirectoryEntry(g),
    draft: !g.openedAt,
    openedAt: g.openedAt ?? null,
    eligibility: g.eligibility,
    moderation: g.moderation,
    slowModeSeconds: g.slowModeSeconds,
    chatRetentionDays: g.chatRetentionDays,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}
