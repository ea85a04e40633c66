export * from './data-source-options';
export * from './database.module';
export * from './ensure-database';
export * from './run-migrations';
export * from './batched-delete';
export * from './batcher';
// The display-name migration's frozen copy of the skeleton, so identity's tests can check the two agree.
export { backfillSkeletons, skeletonAsMigrated } from './migrations/1763700008000-display-name-skeletons';
export * from './transactions';
export * from './listen';
export * from './replica-reads';
