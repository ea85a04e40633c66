import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '@kindred/http';

export class ApplyDto {
  @ApiProperty({ example: { diagnosis: 'yes' }, description: 'Answers keyed by the group’s question keys.' })
  @IsObject()
  answers: Record<string, string>;

  @ApiProperty({ description: 'That you live with the condition the group is for; must be true.' })
  @IsBoolean()
  @Equals(true, { message: 'Please confirm the declaration: that you live with the condition this group is for.' })
  declaration: boolean;

  @ApiPropertyOptional({ example: 'ABCDE-23456', description: 'A code from your clinical team approves the application at once.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  referralCode?: string;
}

export class ApplicationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status?: 'pending' | 'approved' | 'rejected';
}

export class ApplicationDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  @ApiProperty({ example: 'Answers confirm a CKD diagnosis.', description: 'Shown to the applicant with the decision.' })
  @IsString()
  @Length(1, 2000, { message: 'reason must be 1 to 2000 characters' })
  @Matches(/\S/, { message: 'reason cannot be blank' })
  reason: string;
}
