import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Resource } from './resource.entity';
import { SignpostingService } from './signposting.service';

@Module({
  imports: [TypeOrmModule.forFeature([Resource])],
  providers: [SignpostingService],
  exports: [SignpostingService],
})
export class SignpostingModule {}
