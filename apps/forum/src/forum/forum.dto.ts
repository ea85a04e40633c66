import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PIN_ROLES, type PinRole } from '@kindred/forum';
import { VISIBLE_CHARACTER } from '@kindred/http';

/** Not blank once normalised: whitespace or zero-width characters alone are refused. */
const NOT_BLANK = VISIBLE_CHARACTER;

export class CreateTopicDto {
  @ApiProperty({ minLength: 3, maxLength: 200 })
  @IsString()
  @Length(3, 200, { message: 'title must be 3 to 200 characters' })
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title: string;

  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @Length(1, 20000, { message: 'body must be 1 to 20000 characters' })
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body: string;

  @ApiPropertyOptional({ description: 'Shown collapsed until the reader chooses to open the topic.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contentWarning?: string;
}

export class CreatePostDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @Length(1, 20000, { message: 'body must be 1 to 20000 characters' })
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'replyToPostId must be a post id' })
  replyToPostId?: string;
}

export class EditPostDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @Length(1, 20000, { message: 'body must be 1 to 20000 characters' })
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body: string;
}

export class ReportDto {
  @ApiProperty({ description: 'The key of the agreement clause this breaks.' })
  @IsString()
  @Length(1, 60)
  clauseKey: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class RuleDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  pattern: string;

  @ApiProperty({ enum: ['word', 'phrase', 'regex'] })
  @IsIn(['word', 'phrase', 'regex'])
  match: 'word' | 'phrase' | 'regex';

  @ApiProperty({ enum: ['block', 'hold', 'flag', 'mask'] })
  @IsIn(['block', 'hold', 'flag', 'mask'])
  action: 'block' | 'hold' | 'flag' | 'mask';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 60)
  clauseKey?: string;
}

export class ReadPositionDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'What the reader has seen: the topic’s `lastActivityAt` as they loaded it. Without it, the topic’s last activity now. Never moves a position back.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'at must be a date and time' })
  at?: string;
}

export class PinTopicDto {
  @ApiProperty({ description: 'true pins the topic at the top of the group’s list; false unpins it.' })
  @IsBoolean({ message: 'Say whether the topic should be pinned (true or false).' })
  pinned: boolean;

  @ApiPropertyOptional({
    enum: PIN_ROLES,
    nullable: true,
    description:
      'With `pinned: true`: the group’s welcome topic (new members land on it) or its introductions thread. One of each per group: naming another topic takes the role from the one that had it, which stays pinned.',
  })
  @IsOptional()
  @IsIn(PIN_ROLES, { message: 'A pinned topic can be the welcome topic or the introductions thread.' })
  role?: PinRole | null;
}
