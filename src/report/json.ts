import type { GradingReport } from '../engine/check.js';

export function renderJson(report: GradingReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
