import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsBoolean, IsEmail, IsISO8601, IsString, Length, Matches, MaxLength } from 'class-validator';

export class RegisterDto {
  @ApiProperty({ example: 'sam@example.org' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: 'KidneyWarrior', description: 'The only name other members ever see.' })
  @IsString()
  @Length(2, 40, { message: 'displayName must be 2 to 40 characters' })
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N} _.'-]*$/u, { message: "displayName may use letters, numbers, spaces and . _ ' - only" })
  displayName: string;

  @ApiProperty({ example: '2001-04-23' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must look like YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dateOfBirth must be a real date' })
  dateOfBirth: string;

  @ApiProperty({ description: 'Explicit consent to processing health data; must be true.' })
  @IsBoolean()
  @Equals(true, { message: 'You need to agree to how Kindred uses information about your health before you can join.' })
  consent: boolean;
}

export class LoginDto {
  @ApiProperty()
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class DeleteAccountDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password: string;
}
