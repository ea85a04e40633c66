export * from './domain-error';
export * from './problem.filter';
export * from './validation';
export * from './pagination';
export * from './logging';
export * from './http-app';
export * from './public.decorator';
export * from './id-param';
