import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis';

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
