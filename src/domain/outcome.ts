/** What happened to each staging row (spec section 6). */
export interface OutcomeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
}

export const OUTCOMES = ['inserted', 'updated', 'unchanged', 'stale', 'rejected'] as const;

export function zeroCounts(): OutcomeCounts {
  return { inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0 };
}

export function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return {
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    stale: a.stale + b.stale,
    rejected: a.rejected + b.rejected,
  };
}

export function totalRows(c: OutcomeCounts): number {
  return c.inserted + c.updated + c.unchanged + c.stale + c.rejected;
}
