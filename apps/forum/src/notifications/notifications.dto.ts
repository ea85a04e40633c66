import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_KINDS } from '@kindred/notifications';

export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 500, description: 'The notifications to mark read (others’ ids are ignored).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'Mark every notification read.' })
  @IsOptional()
  @Equals(true)
  all?: true;
}

export class QuietHoursDto {
  @ApiProperty({ example: '22:00', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Quiet hours start at a time like 22:00.' })
  from: string;

  @ApiProperty({ example: '07:00', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Quiet hours end at a time like 07:00.' })
  to: string;
}

export class NotificationPreferencesDto {
  @ApiProperty({ example: 'Europe/London', description: 'An IANA time zone: quiet hours and the digest time are read in it.' })
  @IsString()
  @MaxLength(64)
  timezone: string;

  @ApiProperty({
    type: QuietHoursDto,
    nullable: true,
    description: 'Nothing by push or mail then (may wrap past midnight), except never-quiet kinds; null for none.',
  })
  @ValidateIf((_, value) => value !== null)
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours: QuietHoursDto | null;

  @ApiPropertyOptional({
    type: 'object',
    description: `Per kind (${NOTIFICATION_KINDS.join(', ')}): { push: boolean, email: "off" | "immediate" | "digest", neverQuiet?: boolean }. Kinds left out keep their setting.`,
    additionalProperties: {
      type: 'object',
      properties: { push: { type: 'boolean' }, email: { type: 'string', enum: ['off', 'immediate', 'digest'] }, neverQuiet: { type: 'boolean' } },
    },
  })
  @IsOptional()
  @IsObject()
  kinds?: Record<string, { push?: boolean; email?: 'off' | 'immediate' | 'digest'; neverQuiet?: boolean }>;

  @ApiPropertyOptional({ description: 'Opt in to the group’s name in push and mail. Never what anyone wrote or the condition.' })
  @IsOptional()
  @IsBoolean()
  showDetails?: boolean;
}

export class PushSubscriptionKeysDto {
  @ApiProperty({ description: 'The browser’s P-256 public key, base64url.' })
  @IsString()
  @MaxLength(200)
  p256dh: string;

  @ApiProperty({ description: 'The browser’s 16-byte auth secret, base64url.' })
  @IsString()
  @MaxLength(100)
  auth: string;
}

/** A browser's `PushSubscription.toJSON()`; `expirationTime` is accepted and ignored. */
export class PushSubscriptionDto {
  @ApiProperty({ example: 'https://push.example/send/abc' })
  @IsString()
  @MaxLength(2000)
  endpoint: string;

  @ApiProperty({ type: PushSubscriptionKeysDto })
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  keys: PushSubscriptionKeysDto;

  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional()
  expirationTime?: number | null;
}

export class UnsubscribeQuery {
  @ApiProperty({ description: 'The token of a mail’s List-Unsubscribe link.' })
  @IsString()
  @MaxLength(200)
  token: string;
}
