import { Injectable } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '@kindred/observability';
import { ReviewItemsRepository } from '../review/review-items.repository';

/** Prometheus view of the review queue: depth and overdue count read at scrape time, decisions as they happen. */
@Injectable()
export class ReviewMetrics {
  private readonly timeToDecision: Histogram;

  constructor(metrics: MetricsRegistry, items: ReviewItemsRepository) {
    const open = new Gauge({
      name: 'kindred_review_queue_open_items',
      help: 'Open review items, all groups',
      labelNames: ['priority'],
      registers: [metrics.registry],
    });
    const overdue = new Gauge({
      name: 'kindred_review_queue_overdue_items',
      help: 'Open review items past their deadline, all groups',
      registers: [metrics.registry],
    });
    this.timeToDecision = new Histogram({
      name: 'kindred_review_time_to_decision_seconds',
      help: 'Time from a review item opening to its decision',
      buckets: [60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 12 * 3600, 24 * 3600, 72 * 3600],
      registers: [metrics.registry],
    });
    metrics.onScrape(async () => {
      const rows = await items.openByPriority();
      open.reset();
      for (const priority of ['urgent', 'normal']) open.set({ priority }, rows.find((r) => r.priority === priority)?.open ?? 0);
      overdue.set(rows.reduce((sum, r) => sum + r.overdue, 0));
    });
  }

  observeDecision(seconds: number): void {
    this.timeToDecision.observe(Math.max(0, seconds));
  }
}
