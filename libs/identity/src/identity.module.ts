import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Transactions } from '@kindred/database';
import { MailModule } from '@kindred/mail';
import { AccountToken } from './account-token.entity';
import { AccountTokens } from './account-tokens';
import { AccountTokensRepository } from './account-tokens.repository';
import { AccountService } from './account.service';
import { AuthGuard } from './auth.guard';
import { ConsentRecord } from './consent-record.entity';
import { ConsentRecordsRepository } from './consent-records.repository';
import { DataRightsService } from './data-rights/data-rights.service';
import { DisplayNameScreen } from './display-name';
import { PersonalDataRegistry } from './data-rights/personal-data.registry';
import { IdentityService } from './identity.service';
import { PasswordAttempts } from './password-attempts';
import { CodeAttempts } from './second-factor/code-attempts';
import { SecondFactorRepository } from './second-factor/second-factor.repository';
import { SecondFactorService } from './second-factor/second-factor.service';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

const REPOSITORIES = [UsersRepository, SessionsRepository, ConsentRecordsRepository, AccountTokensRepository, SecondFactorRepository];

@Module({
  imports: [TypeOrmModule.forFeature([User, Session, ConsentRecord, AccountToken]), MailModule],
  providers: [
    ...REPOSITORIES,
    Transactions,
    IdentityService,
    AccountService,
    AccountTokens,
    PasswordAttempts,
    AuthGuard,
    PersonalDataRegistry,
    DataRightsService,
    DisplayNameScreen,
    CodeAttempts,
    SecondFactorService,
  ],
  exports: [IdentityService, AccountService, PasswordAttempts, AuthGuard, PersonalDataRegistry, DataRightsService, DisplayNameScreen, SecondFactorService],
})
export class IdentityModule {}
