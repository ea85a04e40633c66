import { Identity1763700000000 } from './1763700000000-identity';

/** Every migration, in order. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [Identity1763700000000];
