import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class MessageHistoryQuery {
  @ApiPropertyOptional({ description: 'A message id: the page before it, newest first.' })
  @IsOptional()
  @IsUUID('all', { message: 'before must be a message id' })
  before?: string;

  @ApiPropertyOptional({ description: 'A message id: what was published since it, oldest first.' })
  @IsOptional()
  @IsUUID('all', { message: 'after must be a message id' })
  after?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of a newest-first page; the same as before.' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be a nextCursor from this list' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** A message report is the same as a post report: a clause, and an optional note. */
export { ReportDto as MessageReportDto } from '../forum/forum.dto';
