/** The REST API (same origin as the page): its generated client, its errors, and the types of its answers. */
export * from './core';
export * from './client';
export * from './types';
export * from './notifications';
