import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { KindredConfig } from '@kindred/config';
import { answeringReplicas, dataSourceOptions } from './data-source-options';
import { ReplicaReads } from './replica-reads';

@Module({})
export class DatabaseModule {
  static forRoot(config: KindredConfig, applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            const replicas = await answeringReplicas(config.database.replicaUrls);
            if (replicas.length < config.database.replicaUrls.length) {
              new Logger('DatabaseModule').warn(`${config.database.replicaUrls.length - replicas.length} replica(s) not answering at start-up: their reads go to the primary until a restart`);
            }
            return {
              ...dataSourceOptions(config, applicationName, replicas),
              // Each lib registers its own entities with forFeature; no globs that break when bundled.
              autoLoadEntities: true,
              retryAttempts: 5,
              retryDelay: 1000,
            };
          },
        }),
      ],
      providers: [ReplicaReads],
      exports: [ReplicaReads],
    };
  }
}
