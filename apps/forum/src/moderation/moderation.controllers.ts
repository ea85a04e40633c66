import { AlertsController } from './alerts.controller';
import { AppealsController } from './appeals.controller';
import { AuditLogController } from './audit-log.controller';
import { ModerationMetricsController } from './moderation-metrics.controller';
import { SupporterToolsController } from './supporter-tools.controller';

/** Moderation endpoints beyond the review queue and rules: appeals, metrics, the audit log, alerts. */
export const MODERATION_CONTROLLERS = [AppealsController, ModerationMetricsController, AuditLogController, AlertsController, SupporterToolsController];
