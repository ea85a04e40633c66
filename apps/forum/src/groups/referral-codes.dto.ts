import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsString, Length, Matches, Max, Min } from 'class-validator';

export class CreateReferralCodeDto {
  @ApiProperty({ example: 'Leeds renal unit', description: 'Who the code is for; only admins see it.' })
  @IsString()
  @Length(1, 200, { message: 'label must be 1 to 200 characters' })
  @Matches(/\S/, { message: 'label cannot be blank' })
  label: string;

  @ApiProperty({ example: 20, minimum: 1, maximum: 100000 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxUses: number;

  @ApiProperty({ example: '2027-01-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO-8601 date and time' })
  expiresAt: string;
}
