import { Injectable } from '@nestjs/common';

/** Where mentoring reads the time: check-ins falling due, training renewal and relationship ends. Tests control it. */
@Injectable()
export class MentoringClock {
  now(): Date {
    return new Date();
  }
}
