import type { ScheduleSpec } from '@temporalio/client';
import { ConfigError } from '../errors';
import { parseDurationSeconds } from '../shared/duration';
import type { ProductSyncInput } from '../workflows/definitions';
import { scheduledInputFromFlags, SyncFlags } from './syncInput';

export const SCHEDULED_WORKFLOW_ID = 'product-sync-scheduled';
export const SCHEDULE_HELP = 'See `npx product-etl schedule create --help` for the options.';

/** A schedule's definition as typed on the command line: its timing and the `sync` flags of every run. */
export interface ScheduleFlags extends SyncFlags {
  every?: string;
  cron?: string;
  timeZone?: string;
  catchupWindow?: string;
  /** Prefix of each run's workflow id (Temporal appends the scheduled time). */
  workflowId?: string;
}

export interface ScheduleDefinition {
  spec: ScheduleSpec;
  /** undefined: the server's default. */
  catchupWindowMs: number | undefined;
  input: ProductSyncInput;
  workflowIdPrefix: string;
}

/** Temporal's cron: five fields (or six/seven with seconds/years), or a macro such as @hourly / @every 1h. */
function cronProblem(cron: string): string | undefined {
  const text = cron.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|hourly)$/.test(text) || /^@every \S+$/.test(text)) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length < 5 || fields.length > 7) return `has ${fields.length} field(s); expected 5 ("minute hour day-of-month month day-of-week"), e.g. "0 * * * *"`;
  const bad = fields.find((f) => !/^[0-9A-Za-z*?,/#-]+$/.test(f));
  return bad ? `has an invalid field "${bad}"` : undefined;
}

function specFrom(flags: ScheduleFlags): ScheduleSpec {
  if ((flags.every === undefined) === (flags.cron === undefined)) {
    throw new ConfigError('Give exactly one of --every (e.g. --every 1h) or --cron (e.g. --cron "0 * * * *").', SCHEDULE_HELP);
  }
  const timezone = flags.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ConfigError(`--time-zone "${timezone}" is not a known IANA time zone (e.g. UTC, Asia/Shanghai, Europe/Berlin).`);
  }
  if (flags.every !== undefined) {
    let seconds: number;
    try {
      seconds = parseDurationSeconds(flags.every);
    } catch (err) {
      throw new ConfigError(`--every: ${(err as Error).message}`);
    }
    if (seconds < 1) throw new ConfigError(`--every must be at least 1s (got "${flags.every}")`);
    return { intervals: [{ every: Math.round(seconds * 1000) }], timezone };
  }
  const cron = (flags.cron ?? '').trim();
  const problem = cronProblem(cron);
  if (problem) throw new ConfigError(`--cron "${flags.cron}" ${problem}.`, 'Fields: minute hour day-of-month month day-of-week; the time zone comes from --time-zone.');
  return { cronExpressions: [cron], timezone };
}

function catchupWindowOf(flags: ScheduleFlags): number | undefined {
  if (flags.catchupWindow === undefined) return undefined;
  try {
    const seconds = parseDurationSeconds(flags.catchupWindow);
    if (seconds < 1) throw new RangeError('must be at least 1s');
    return Math.round(seconds * 1000);
  } catch (err) {
    throw new ConfigError(`--catchup-window: ${(err as Error).message}`);
  }
}

/** Checks everything that can be checked before asking the server; the server checks the rest (a cron field's range). */
export function scheduleDefinitionFromFlags(flags: ScheduleFlags): ScheduleDefinition {
  return {
    spec: specFrom(flags),
    catchupWindowMs: catchupWindowOf(flags),
    input: scheduledInputFromFlags(flags),
    workflowIdPrefix: flags.workflowId ?? SCHEDULED_WORKFLOW_ID,
  };
}
