import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsInt, Max, Min } from 'class-validator';

export class ClauseDoc {
  @ApiProperty({ example: 'respect', pattern: '^[a-z0-9-]{2,60}$' })
  key: string;

  @ApiProperty({ example: 'Respect, and no discrimination', maxLength: 200 })
  title: string;

  @ApiProperty({ maxLength: 4000 })
  text: string;
}

export class PublishAgreementDto {
  /** Checked clause by clause in the groups context, so every problem is named by its path. */
  @ApiProperty({ type: [ClauseDoc], minItems: 1, maxItems: 50 })
  @IsArray()
  clauses: unknown[];
}

export class AcceptAgreementDto {
  @ApiProperty({ example: 1, description: 'The version being accepted: it must be the current one.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version: number;
}
