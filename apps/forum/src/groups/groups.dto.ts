import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const NOT_BLANK = /\S/;

export class CreateGroupDto {
  @ApiProperty({ example: 'kidney-18-30', description: 'The group’s address: 3 to 60 lowercase letters, digits or hyphens.' })
  @IsString()
  @Matches(/^[a-z0-9-]{3,60}$/, { message: 'slug must be 3 to 60 lowercase letters, digits or hyphens' })
  slug: string;

  @ApiProperty({ example: 'Young adults with kidney disease' })
  @IsString()
  @Length(1, 120, { message: 'name must be 1 to 120 characters' })
  @Matches(NOT_BLANK, { message: 'name cannot be blank' })
  name: string;

  @ApiProperty({ example: 'Peer support for 18 to 30 year olds living with kidney disease.' })
  @IsString()
  @MaxLength(2000, { message: 'description must be 2000 characters or fewer' })
  description: string;

  @ApiProperty({ example: 'Chronic kidney disease' })
  @IsString()
  @Length(1, 120, { message: 'condition must be 1 to 120 characters' })
  @Matches(NOT_BLANK, { message: 'condition cannot be blank' })
  condition: string;

  @ApiPropertyOptional({
    description: '`{ minAge?, maxAge?, questions: [{ key, prompt, required, expected? }] }`. Defaults to 18+ with no questions.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  eligibility?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      '`{ mode, firstPostsHeld, reviewSlaMinutes, urgentSlaMinutes, reportsToHide, coverage, timezone, outOfCoverage }`; settings left out take the defaults (or, on update, keep their current value).',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  moderation?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 3600, description: 'Seconds each member waits between chat messages.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  slowModeSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days chat messages are kept (default 90).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  chatRetentionDays?: number;

  @ApiPropertyOptional({ description: 'Create the group as a draft: not in the directory, no applications, until `POST /groups/:groupId/open`.' })
  @IsOptional()
  @IsBoolean()
  draft?: boolean;
}

/** Opening a draft has its own endpoint, so the audit log says so. */
export class UpdateGroupDto extends PartialType(OmitType(CreateGroupDto, ['draft'] as const)) {}

export class AppointSupporterByEmailDto {
  @ApiProperty({ example: 'sam@example.org', description: 'The address of a verified Kindred account.' })
  @IsEmail({}, { message: 'Please enter the email address in full, like name@example.org.' })
  @MaxLength(254)
  email: string;
}

export class InviteSupporterDto {
  @ApiProperty({ example: 'sam@example.org', description: 'Where the invitation goes: usually an address with no Kindred account yet.' })
  @IsEmail({}, { message: 'Please enter the email address in full, like name@example.org.' })
  @MaxLength(254)
  email: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the invitation mail’s link.' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token: string;
}
