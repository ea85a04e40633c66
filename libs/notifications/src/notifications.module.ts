import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { Notice } from './notice.entity';
import { NoticesPersonalData } from './notices-personal-data';
import { NoticesRepository } from './notices.repository';
import { NoticesService } from './notices.service';

@Module({
  imports: [TypeOrmModule.forFeature([Notice]), IdentityModule],
  providers: [NoticesRepository, NoticesService, NoticesPersonalData],
  exports: [NoticesService],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly noticesData: NoticesPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.noticesData);
  }
}
