export * from './openapi-document';
export * from './page';
export * from './problems';
export * from './wire';
