import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';

const DIALLABLE = /^\+?[0-9][0-9 ()-]{1,28}$/;

export class CreateResourceDto {
  @ApiProperty({ enum: ['crisis', 'clinical', 'peer', 'information'] })
  @IsIn(['crisis', 'clinical', 'peer', 'information'])
  kind: 'crisis' | 'clinical' | 'peer' | 'information';

  @ApiProperty({ example: 'Renal unit out-of-hours line' })
  @IsString()
  @Length(1, 200, { message: 'title must be 1 to 200 characters' })
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ example: '0113 000 0000' })
  @IsOptional()
  @Matches(DIALLABLE, { message: 'phone must be a number to dial, such as 116 123' })
  phone?: string;

  @ApiPropertyOptional({ example: '85258' })
  @IsOptional()
  @Matches(DIALLABLE, { message: 'sms must be a number to text, such as 85258' })
  sms?: string;

  @ApiPropertyOptional({ example: 'https://www.nhs.uk' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url must be a web address starting with https://' })
  @MaxLength(500)
  url?: string;

  @ApiPropertyOptional({ example: '24 hours a day, every day' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  hours?: string;
}
