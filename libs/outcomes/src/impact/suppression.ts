/**
 * No figure in the impact report may let anyone pick out a person: a cell that rests on fewer than
 * this many people (or, for moderation, decisions) is withheld, in the API, the CSV and the charts.
 */
export const MINIMUM_CELL = 10;

/** A figure as the report shows it: null when withheld. */
export type Cell = number | null;

/** `value` when `base` (the people the figure rests on) is at least MINIMUM_CELL; otherwise withheld. Zero is withheld too. */
export function cell(value: number | null, base: number): Cell {
  if (value === null || !Number.isFinite(value)) return null;
  return base >= MINIMUM_CELL ? round(value) : null;
}

function round(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
}
