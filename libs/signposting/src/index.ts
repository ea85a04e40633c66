export { UK_DEFAULT_RESOURCES } from './default-resources';
export type { ResourceInput } from './default-resources';
export type { ResourceKind } from './resource.entity';
export * from './signposting.service';
export * from './signposting.module';
