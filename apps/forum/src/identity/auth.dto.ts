import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsBoolean, IsEmail, IsISO8601, IsString, Length, Matches, MaxLength } from 'class-validator';

/**
 * The shape of a display name, wherever one is chosen. What it says is checked by the service: no
 * personal identifiers, crisis or offensive words, and no look-alike of a name already in use.
 */
function DisplayNameField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      example: 'KidneyWarrior',
      description:
        'The only name other members ever see. Refused (422) when it includes personal identifiers (phone, email, NHS number, postcode, address), ' +
        'crisis or offensive words, or a web address; refused (409) when it is, or looks like, a name already in use.',
    }),
    IsString(),
    Length(2, 40, { message: 'Your display name needs 2 to 40 characters.' }),
    // Brackets for what someone is ("Sam (volunteer)"); a name still starts with a letter or digit.
    Matches(/^[\p{L}\p{N}][\p{L}\p{N} _.'()-]*$/u, {
      message: "Your display name can use letters, numbers, spaces, brackets and the marks . _ ' - only, and must start with a letter or number.",
    }),
  );
}

export class RegisterDto {
  @ApiProperty({ example: 'sam@example.org' })
  @IsEmail({}, { message: 'Please enter your email address in full, like name@example.org.' })
  @MaxLength(254, { message: 'That email address is too long.' })
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  password: string;

  @DisplayNameField()
  displayName: string;

  @ApiProperty({ example: '2001-04-23' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Please enter your date of birth: day, month and year.' })
  @IsISO8601({ strict: true }, { message: 'That date of birth is not a real date. Please check the day, month and year.' })
  dateOfBirth: string;

  @ApiProperty({ description: 'Explicit consent to processing health data; must be true.' })
  @IsBoolean()
  @Equals(true, { message: 'You need to agree to how Kindred uses information about your health before you can join.' })
  consent: boolean;
}

export class ChangeDisplayNameDto {
  @DisplayNameField()
  displayName: string;
}

export class ChangeAboutMeDto {
  @ApiProperty({
    example: 'Diagnosed in 2019, on dialysis three times a week. I like crosswords and long walks.',
    maxLength: 280,
    description:
      'A few words about yourself, shown to members of the groups you are in; an empty text clears it. Refused (422, field `aboutMe`) when it includes ' +
      'personal identifiers (phone, email, NHS number, postcode, address), crisis or offensive words, or a web address, as a display name is.',
  })
  @IsString({ message: 'Please write what you would like to say about yourself.' })
  @MaxLength(280, { message: 'Please keep what you say about yourself to 280 characters or fewer.' })
  aboutMe: string;
}

export class ShowOnlineDto {
  @ApiProperty({ description: 'Whether other members see you in a chat room’s “online now” list.' })
  @IsBoolean({ message: 'Please choose whether others see you online: yes or no.' })
  showOnline: boolean;
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

/** A token from a mailed link: opaque, base64url. */
function TokenField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description: 'The `token` of the mailed link.' }),
    IsString(),
    Length(1, 200, { message: 'This link is not complete. Please open the link from the mail again.' }),
  );
}

export class VerifyEmailDto {
  @TokenField()
  token: string;
}

export class PasswordResetDto {
  @ApiProperty({ example: 'sam@example.org' })
  @IsString()
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirmDto {
  @TokenField()
  token: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: 'The new password, under the same policy as at registration.' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  newPassword: string;
}

export class ChangeEmailDto {
  @ApiProperty({ description: 'The current password, to show it is really the member asking.' })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: 'sam.new@example.org' })
  @IsEmail({}, { message: 'Please enter the new email address in full, like name@example.org.' })
  @MaxLength(254)
  newEmail: string;
}

/** A code from an authenticator app (6 digits) or a recovery code; spaces and dashes are ignored. */
function CodeField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: '492039', description }),
    IsString(),
    Length(1, 64, { message: 'Please enter the code from your authenticator app, or a recovery code.' }),
  );
}

export class LoginSecondFactorDto {
  @ApiProperty({ description: 'From the `POST /auth/login` answer; works once, for five minutes.' })
  @IsString()
  @Length(1, 200)
  mfaToken: string;

  @CodeField('The 6-digit code from the authenticator app, or one of the recovery codes (each works once).')
  code: string;
}

export class ConfirmTotpDto {
  @CodeField('The 6-digit code the authenticator app shows now.')
  code: string;
}

export class DisableTotpDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password: string;

  @CodeField('The 6-digit code from the authenticator app, or a recovery code.')
  code: string;
}
