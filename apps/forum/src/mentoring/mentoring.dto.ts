import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const NOT_BLANK = /\S/;
const KEY = /^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class MatchingQuestionDto {
  @ApiProperty({ example: 'ageBand' })
  @Matches(KEY, { message: 'key must be a letter then up to 39 letters, digits, - or _' })
  key: string;

  @ApiProperty({ example: 'Your age band' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'label cannot be blank' })
  label: string;

  @ApiProperty({ type: [String], example: ['18-39', '40-59', '60+'] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  options: string[];

  @ApiPropertyOptional({ example: 'gender', description: 'Compare the answer with the mentor’s answer to this key (a preference about the mentor).' })
  @IsOptional()
  @Matches(KEY, { message: 'mentorKey must be a letter then up to 39 letters, digits, - or _' })
  mentorKey?: string;

  @ApiPropertyOptional({ example: 'No preference', description: 'An option that matches every mentor.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  anyOption?: string;
}

export class ProgrammeDto {
  @ApiProperty({ example: 'Peer mentoring' })
  @IsString()
  @Length(1, 120)
  @Matches(NOT_BLANK, { message: 'name cannot be blank' })
  name: string;

  @ApiProperty({ minimum: 1, maximum: 20, description: 'How many mentees one mentor holds at once.' })
  @IsInt()
  @Min(1)
  @Max(20)
  menteesPerMentor: number;

  @ApiProperty({ minimum: 1, maximum: 104, description: 'How long a mentoring relationship runs.' })
  @IsInt()
  @Min(1)
  @Max(104)
  relationshipWeeks: number;

  @ApiProperty({ minimum: 1, maximum: 90, description: 'How often check-ins are expected.' })
  @IsInt()
  @Min(1)
  @Max(90)
  checkInEveryDays: number;

  @ApiProperty({ type: [MatchingQuestionDto] })
  @IsArray()
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => MatchingQuestionDto)
  matchingQuestions: MatchingQuestionDto[];
}

export class TrainingDto {
  @ApiProperty({ type: [String], example: ['mentoring', 'motivational interviewing', 'goal setting', 'boundaries', 'safeguarding'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  modules: string[];

  @ApiProperty({ example: '2026-09-01', description: 'When the training was completed (a date).' })
  @Matches(DAY, { message: 'completedOn must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'completedOn must be a date (YYYY-MM-DD)' })
  completedOn: string;

  @ApiProperty({ example: 'Bristol peer support trainers' })
  @IsString()
  @Length(1, 200)
  @Matches(NOT_BLANK, { message: 'trainer cannot be blank' })
  trainer: string;

  @ApiProperty({ example: '2027-09-01', description: 'After this date the mentor takes no new mentees until the training is renewed.' })
  @Matches(DAY, { message: 'renewBy must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'renewBy must be a date (YYYY-MM-DD)' })
  renewBy: string;
}

export class ApproveMentorDto {
  @ApiProperty({ type: TrainingDto })
  @ValidateNested()
  @Type(() => TrainingDto)
  training: TrainingDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { ageBand: '40-59', gender: 'Woman' },
    description: 'The mentor’s own answers, matched against members’ answers.',
  })
  @IsOptional()
  @IsObject()
  answers?: Record<string, string>;
}

export class AskDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { ageBand: '40-59', preferredGender: 'No preference' },
    description: 'Answers keyed by the programme’s question keys.',
  })
  @IsObject()
  answers: Record<string, string>;
}

export class MatchDto {
  @ApiProperty({ format: 'uuid', description: 'The mentor’s user id (one of the suggestions).' })
  @IsUUID('all', { message: 'mentorId must be a user id' })
  mentorId: string;
}

export class EndDto {
  @ApiProperty({ description: 'Why it ended; only coordinators read it.', maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  @Matches(NOT_BLANK, { message: 'reason cannot be blank' })
  reason: string;
}

export class GoalDto {
  @ApiProperty({ example: 'Walk for 20 minutes after dinner three times a week' })
  @IsString()
  @Length(1, 500)
  @Matches(NOT_BLANK, { message: 'what cannot be blank' })
  what: string;

  @ApiProperty({ example: '2027-01-31' })
  @Matches(DAY, { message: 'byWhen must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'byWhen must be a date (YYYY-MM-DD)' })
  byWhen: string;

  @ApiProperty({ minimum: 0, maximum: 10, description: 'How confident the mentee feels, from 0 to 10.' })
  @IsInt()
  @Min(0)
  @Max(10)
  confidence: number;
}

export class GoalReviewDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'goalId must be a goal id' })
  goalId: string;

  @ApiProperty({ minimum: 0, maximum: 10 })
  @IsInt()
  @Min(0)
  @Max(10)
  confidence: number;

  @ApiProperty({ enum: ['open', 'done', 'dropped'] })
  @IsIn(['open', 'done', 'dropped'])
  status: 'open' | 'done' | 'dropped';
}

export class CheckInDto {
  @ApiProperty({ type: [GoalReviewDto], description: 'Each goal reviewed at this check-in.' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GoalReviewDto)
  reviews: GoalReviewDto[];
}

export class NoteDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  @Matches(NOT_BLANK, { message: 'body cannot be blank' })
  body: string;
}

export class ConversationMessageDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @MaxLength(4000)
  body: string;

  @ApiProperty({ description: 'The sender’s own id for the message, so a retried send is stored once.' })
  @IsString()
  @Length(1, 64)
  clientMsgId: string;
}

export class CheckInOpenDto {
  @ApiPropertyOptional({ type: ConversationMessageDto, description: 'A first message, screened like any other.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConversationMessageDto)
  message?: ConversationMessageDto;
}

export class ConversationHistoryQuery {
  @ApiPropertyOptional({ description: 'A message id of this conversation: only what came after it (poll with the last id you have).' })
  @IsOptional()
  @IsUUID('all', { message: 'after must be a message id' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
