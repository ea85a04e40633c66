import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { QuestionView } from './outcomes.views';

export class CreateMeasureDto {
  @ApiProperty({ example: 'Living with my condition' })
  @IsString()
  @Length(1, 200, { message: 'title must be 1 to 200 characters' })
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ type: [QuestionView], description: '1 to 30 questions, each on a scale of whole numbers (0 ≤ min < max ≤ 100) with both ends named.' })
  @IsArray()
  questions: unknown[];
}

export class AttachMeasureDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  measureId: string;

  @ApiProperty({ type: [Number], example: [3, 6], description: 'Follow-ups, in months after each member’s baseline: 1 to 8 of them, rising, each 1 to 36.' })
  @IsArray()
  intervalsMonths: unknown[];
}

export class AnswerQuestionnaireDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { confidence: 6, 'knowing-where-to-get-help': 4, 'less-alone': 7 } })
  @IsObject()
  answers: Record<string, unknown>;
}

export class GrantCommissionerDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The group; absent or null for every group on the platform.' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  groupId?: string | null;
}

export class ImpactQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'One group; absent for every group (platform admins and platform commissioners only).' })
  @IsOptional()
  @IsString()
  groupId?: string;

  @ApiPropertyOptional({ example: '2026-01', description: 'First month, YYYY-MM (default: eleven months before `to`).' })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'Last month, YYYY-MM (default: this month).' })
  @IsOptional()
  @IsString()
  to?: string;
}

export class FeedbackDto {
  @ApiProperty({ maxLength: 4000, example: 'The Tuesday evening chat has really helped me.' })
  @IsString()
  body: string;
}

export class ProposeAgreementDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The proposed clauses, as `PUT /groups/:groupId/agreement` takes them.',
  })
  @IsArray()
  clauses: unknown[];

  @ApiProperty({ maxLength: 2000, example: 'We would like to add a clause about sharing photos.' })
  @IsString()
  summary: string;
}

export class CommentDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  body: string;
}
