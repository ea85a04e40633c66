import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';

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

export class MessageReportDto {
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
