import { Model } from 'objection';

/**
 * The base of every objection model here. Objection's `first()` does not add `LIMIT 1` by default: it fetches every
 * row the query matches and keeps the first. On staging that turned "the newest row" into a read of the whole table
 * (a million rows built into models and dropped: a 250 MB spike in the worker's heap at the start of each run, and
 * seconds of MariaDB time), and "the n-th row of the window" into a read of everything after it (that read is SQL
 * in stagingRepository now). With
 * useLimitInFirst, `first()` sends `LIMIT 1`, which is what a reader of `first()` expects.
 * test/integration/firstSendsLimit.test.ts keeps it so.
 */
export class BaseModel extends Model {
  static useLimitInFirst = true;
}
