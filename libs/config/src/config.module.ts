import { DynamicModule, Global, Module } from '@nestjs/common';
import { KindredConfig } from './config';

/** Injection token for the validated configuration object (the one typed reader; no second config system). */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class KindredConfigModule {
  static forRoot(config: KindredConfig): DynamicModule {
    return {
      module: KindredConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
