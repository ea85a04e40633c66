export * from './auth-user';
export * from './auth.guard';
export * from './consent';
export * from './identity.module';
export * from './identity.service';
export * from './passwords/password-policy';
export { User } from './user.entity';
export * from './data-rights/personal-data.registry';
export * from './data-rights/data-rights.service';
