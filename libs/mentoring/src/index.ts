export * from './mentoring.module';
export * from './mentoring.service';
export * from './mentoring.types';
export { MentoringClock } from './mentoring-clock';
export { rankMentors, canTakeNewMentee } from './matching';
