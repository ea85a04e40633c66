import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Resource } from './resource.entity';
import { ResourcesRepository } from './resources.repository';
import { SignpostingService } from './signposting.service';

@Module({
  imports: [TypeOrmModule.forFeature([Resource])],
  providers: [ResourcesRepository, SignpostingService],
  exports: [SignpostingService],
})
export class SignpostingModule {}
