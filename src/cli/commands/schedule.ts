import {
  CalendarSpecDescription,
  Client,
  isGrpcServiceError,
  Range,
  ScheduleAlreadyRunning,
  ScheduleDescription,
  ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOptionsAction,
  ScheduleOverlapPolicy,
  ScheduleSpec,
} from '@temporalio/client';
import { ConfigError } from '../../errors';
import { formatSeconds, parseDurationSeconds } from '../../shared/duration';
import { connectClient, loadTemporalSettings, TemporalSettings } from '../../temporal/connection';
import { ensureSearchAttributes } from '../../temporal/ensureSearchAttributes';
import { ProductSyncInput, SCHEDULE_ID, WORKFLOW_TYPE } from '../../workflows/definitions';
import { parse } from '../args';
import { print, say } from '../output';
import { searchAttributesOf, staticSummaryOf } from '../startSync';
import { syncInputFromFlags } from './sync';

export const SCHEDULED_WORKFLOW_ID = 'product-sync-scheduled';
/** gRPC status INVALID_ARGUMENT: the server's answer to a spec it cannot use. */
const INVALID_ARGUMENT = 3;
const SUBCOMMANDS = ['create', 'update', 'describe', 'pause', 'unpause', 'trigger', 'delete'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/**
 * Scheduled runs re-read this far behind the watermark unless --lookback says otherwise. Nobody watches a scheduled
 * run, so a row that an upstream transaction stamped with an old src_updated_at and committed after the previous run
 * had passed that time would be missed silently; 15 minutes covers ordinary long transactions, and re-reading rows
 * already applied writes nothing to products or the change log (see docs/input-and-access.md).
 */
export const DEFAULT_SCHEDULED_LOOKBACK = '15m';

const USAGE = `product-etl schedule ${SUBCOMMANDS.join('|')} [--schedule-id ID]
  create|update  (--every 1h | --cron "0 * * * *") [--time-zone Asia/Shanghai] [--catchup-window 10m] [--note TEXT]
                 [--limit N] [--dry-run] [--no-resume] [--lookback ${DEFAULT_SCHEDULED_LOOKBACK}] [--workflow-id PREFIX]
                 update replaces the whole definition with what is given (the paused state is kept)
                 --lookback: each run first re-reads this far behind the watermark, for rows committed late with an
                 older src_updated_at. Default ${DEFAULT_SCHEDULED_LOOKBACK} for scheduled runs; --lookback 0 turns it off. Longer catches
                 later commits but re-reads more rows every run (rows already applied change nothing; rejected rows
                 in the window get one more reject row per run). Not applied with --no-resume, which re-reads everything.
  pause|unpause  [--note TEXT]`;

const OPTIONS = {
  'schedule-id': { type: 'string' },
  every: { type: 'string' },
  cron: { type: 'string' },
  'time-zone': { type: 'string' },
  'catchup-window': { type: 'string' },
  note: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  resume: { type: 'boolean' },
  lookback: { type: 'string' },
  'workflow-id': { type: 'string' },
} as const;
type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

const DEFINITION_FLAGS: Array<keyof Values> = ['every', 'cron', 'time-zone', 'catchup-window', 'limit', 'dry-run', 'resume', 'lookback', 'workflow-id'];
const FLAGS_OF: Record<Subcommand, Array<keyof Values>> = {
  create: [...DEFINITION_FLAGS, 'note'],
  update: [...DEFINITION_FLAGS, 'note'],
  pause: ['note'],
  unpause: ['note'],
  describe: [],
  trigger: [],
  delete: [],
};

/** Temporal's cron: five fields (or six/seven with seconds/years), or a macro such as @hourly / @every 1h. */
function cronProblem(cron: string): string | undefined {
  const text = cron.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|hourly)$/.test(text) || /^@every \S+$/.test(text)) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length < 5 || fields.length > 7) return `has ${fields.length} field(s); expected 5 ("minute hour day-of-month month day-of-week"), e.g. "0 * * * *"`;
  const bad = fields.find((f) => !/^[0-9A-Za-z*?,/#-]+$/.test(f));
  return bad ? `has an invalid field "${bad}"` : undefined;
}

function specFrom(values: Values): ScheduleSpec {
  if ((values.every === undefined) === (values.cron === undefined)) {
    throw new ConfigError('Give exactly one of --every (e.g. --every 1h) or --cron (e.g. --cron "0 * * * *").', `Usage: ${USAGE}`);
  }
  const timezone = values['time-zone'] ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ConfigError(`--time-zone "${timezone}" is not a known IANA time zone (e.g. UTC, Asia/Shanghai, Europe/Berlin).`);
  }
  if (values.every !== undefined) {
    let seconds: number;
    try {
      seconds = parseDurationSeconds(values.every);
    } catch (err) {
      throw new ConfigError(`--every: ${(err as Error).message}`);
    }
    if (seconds < 1) throw new ConfigError(`--every must be at least 1s (got "${values.every}")`);
    return { intervals: [{ every: Math.round(seconds * 1000) }], timezone };
  }
  const cron = (values.cron ?? '').trim();
  const problem = cronProblem(cron);
  if (problem) throw new ConfigError(`--cron "${values.cron}" ${problem}.`, 'Fields: minute hour day-of-month month day-of-week; the time zone comes from --time-zone.');
  return { cronExpressions: [cron], timezone };
}

function catchupWindowOf(values: Values): number | undefined {
  if (values['catchup-window'] === undefined) return undefined;
  try {
    const seconds = parseDurationSeconds(values['catchup-window']);
    if (seconds < 1) throw new RangeError('must be at least 1s');
    return Math.round(seconds * 1000);
  } catch (err) {
    throw new ConfigError(`--catchup-window: ${(err as Error).message}`);
  }
}

/**
 * The input of each scheduled run: the `sync` flags, plus the default lookback when --lookback is not given.
 * A --no-resume schedule re-reads everything anyway, so it gets no lookback it would ignore.
 */
export function scheduledInputFromFlags(values: Record<string, unknown>): ProductSyncInput {
  const input = syncInputFromFlags(values);
  if (input.lookback === undefined && input.resume !== false) input.lookback = DEFAULT_SCHEDULED_LOOKBACK;
  return input;
}

/** What each scheduled run starts: the same workflow, input, summary and search attributes as `sync` would. */
function actionFrom(values: Values, scheduleId: string, settings: TemporalSettings): ScheduleOptionsAction {
  const input = scheduledInputFromFlags(values);
  return {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPE,
    taskQueue: settings.taskQueue,
    // Temporal appends the scheduled time, so each run has its own id; the DB run lock still allows one at a time.
    workflowId: values['workflow-id'] ?? SCHEDULED_WORKFLOW_ID,
    args: [input],
    staticSummary: staticSummaryOf(input),
    staticDetails: `Started by schedule ${scheduleId} with input \`${JSON.stringify(input)}\`.`,
    typedSearchAttributes: searchAttributesOf(input),
  };
}

/**
 * The server checks what we cannot (a cron field out of range, a time zone it lacks): say what it said. The client
 * turns "Invalid schedule spec" answers into a TypeError carrying the server's words, other refusals into a
 * ServiceError whose cause is the gRPC error.
 */
function refused(err: unknown): never {
  if (err instanceof TypeError) throw new ConfigError(`Temporal refused the schedule's timing: ${err.message}`, `Usage: ${USAGE}`, { cause: err });
  if (isGrpcServiceError(err) && err.code === INVALID_ARGUMENT) {
    throw new ConfigError(`Temporal refused the schedule: ${err.details || err.message}`, `Usage: ${USAGE}`, { cause: err });
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause && isGrpcServiceError(cause) && cause.code === INVALID_ARGUMENT) refused(cause);
  throw err;
}

function cronField<T>(ranges: Range<T>[], full: [number, number], toNumber: (v: T) => number): string {
  if (ranges.length === 0) return '*';
  return ranges
    .map((r) => {
      const [start, end] = [toNumber(r.start), toNumber(r.end)];
      const step = r.step > 1 ? `/${r.step}` : '';
      if (start === full[0] && end === full[1]) return `*${step}`;
      return end > start ? `${start}-${end}${step}` : `${start}${step}`;
    })
    .join(',');
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** The server keeps a cron as a structured calendar; written back as cron it reads as it was typed. */
function calendarAsCron(c: CalendarSpecDescription): string {
  const id = (v: number) => v;
  const fields = [
    cronField(c.minute, [0, 59], id),
    cronField(c.hour, [0, 23], id),
    cronField(c.dayOfMonth, [1, 31], id),
    cronField(c.month, [1, 12], (m) => MONTHS.indexOf(m) + 1),
    cronField(c.dayOfWeek, [0, 6], (d) => DAYS.indexOf(d)),
  ];
  const second = cronField(c.second, [0, 59], id);
  const year = c.year.length ? ` year ${cronField(c.year, [0, 0], id)}` : '';
  return `cron "${second === '0' ? '' : second + ' '}${fields.join(' ')}"${year}${c.comment ? ` (${c.comment})` : ''}`;
}

function when(d: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(d);
  return timeZone === 'UTC' ? `${local} UTC` : `${local} ${timeZone} (${d.toISOString()})`;
}

async function describeLines(client: Client, d: ScheduleDescription): Promise<string[]> {
  const tz = d.spec.timezone || 'UTC';
  const specs = [...(d.spec.intervals ?? []).map((i) => `every ${formatSeconds(i.every / 1000)}${i.offset ? ` (offset ${formatSeconds(i.offset / 1000)})` : ''}`), ...(d.spec.calendars ?? []).map(calendarAsCron)];
  const a = d.action;
  const lines = [
    `Schedule ${d.scheduleId} · ${d.state.paused ? 'PAUSED' : 'active'}${d.state.note ? ` · note: ${d.state.note}` : ''}`,
    `  spec          ${specs.join(' + ') || '(none)'} · time zone ${tz}`,
    `  action        start ${a.workflowType} on task queue ${a.taskQueue}, workflow id ${a.workflowId}-<time>, input ${JSON.stringify(a.args?.[0] ?? {})}`,
    `  policies      overlap ${d.policies.overlap} · catchup window ${formatSeconds(d.policies.catchupWindow / 1000)}`,
    `  actions       ${d.info.numActionsTaken} taken · ${d.info.numActionsSkippedOverlap} skipped (overlap) · ${d.info.numActionsMissedCatchupWindow} missed (catchup window)`,
    `  next runs     ${d.info.nextActionTimes.slice(0, 5).map((t) => when(t, tz)).join('\n                ') || (d.state.paused ? '(none while paused)' : '(none: the spec matches no future time)')}`,
  ];
  const recent = d.info.recentActions.slice(-5).reverse();
  if (recent.length) lines.push('  recent runs');
  for (const r of recent) {
    const wf = r.action.workflow;
    const status = await client.workflow.getHandle(wf.workflowId, wf.firstExecutionRunId).describe().then((x) => x.status.name, () => 'unknown');
    lines.push(`    ${when(r.takenAt, tz)}  ${wf.workflowId}  ${status}`);
  }
  for (const r of d.info.runningActions) lines.push(`  running       ${r.workflow.workflowId} (run ${r.workflow.firstExecutionRunId})`);
  return lines;
}

function notFound(scheduleId: string, err: unknown): ConfigError {
  return new ConfigError(`There is no schedule ${scheduleId}.`, 'Create it with `npx product-etl schedule create --every 1h` (see --help for the options).', { cause: err });
}

async function run(sub: Subcommand, client: Client, settings: TemporalSettings, scheduleId: string, values: Values): Promise<number> {
  const handle: ScheduleHandle = client.schedule.getHandle(scheduleId);
  switch (sub) {
    case 'create': {
      const spec = specFrom(values);
      const action = actionFrom(values, scheduleId, settings);
      await ensureSearchAttributes(client, settings.namespace);
      try {
        await client.schedule.create({
          scheduleId, spec, action,
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: catchupWindowOf(values) },
          state: { note: values.note },
        });
      } catch (err) {
        if (err instanceof ScheduleAlreadyRunning) {
          throw new ConfigError(`The schedule ${scheduleId} already exists.`, 'Change it with `npx product-etl schedule update ...` (same options), or remove it with `schedule delete`.', { cause: err });
        }
        refused(err);
      }
      print(`Created schedule ${scheduleId}.`);
      break;
    }
    case 'update': {
      const spec = specFrom(values);
      const action = actionFrom(values, scheduleId, settings);
      await ensureSearchAttributes(client, settings.namespace);
      try {
        await handle.update((previous) => ({
          spec, action,
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: catchupWindowOf(values), pauseOnFailure: previous.policies.pauseOnFailure },
          state: { paused: previous.state.paused, note: values.note ?? previous.state.note, remainingActions: previous.state.remainingActions },
        }));
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) throw notFound(scheduleId, err);
        refused(err);
      }
      print(`Updated schedule ${scheduleId}.`);
      break;
    }
    case 'describe':
      break;
    case 'pause':
    case 'unpause':
      try {
        // Our own default notes: the SDK's say "via TypeScript SDK", which tells the UI's reader nothing.
        await (sub === 'pause' ? handle.pause(values.note ?? 'Paused from the product-etl command line') : handle.unpause(values.note ?? 'Unpaused from the product-etl command line'));
      } catch (err) {
        throw err instanceof ScheduleNotFoundError ? notFound(scheduleId, err) : err;
      }
      print(`${sub === 'pause' ? 'Paused' : 'Unpaused'} schedule ${scheduleId}.`);
      break;
    case 'trigger':
      return trigger(handle);
    case 'delete':
      try {
        await handle.delete();
      } catch (err) {
        throw err instanceof ScheduleNotFoundError ? notFound(scheduleId, err) : err;
      }
      print(`Deleted schedule ${scheduleId}. Runs it started are not affected.`);
      return 0;
  }
  let d: ScheduleDescription;
  try {
    d = await handle.describe();
  } catch (err) {
    throw err instanceof ScheduleNotFoundError ? notFound(scheduleId, err) : err;
  }
  print((await describeLines(client, d)).join('\n'));
  return 0;
}

/** Starts a run now, with the schedule's own overlap policy (SKIP): no second run beside a running scheduled one. */
async function trigger(handle: ScheduleHandle): Promise<number> {
  let before: ScheduleDescription;
  try {
    before = await handle.describe();
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
  } catch (err) {
    throw err instanceof ScheduleNotFoundError ? notFound(handle.scheduleId, err) : err;
  }
  // The server takes the action asynchronously; wait a little to name the run it started.
  for (let i = 0; i < 40; i++) {
    const d = await handle.describe();
    if (d.info.numActionsTaken > before.info.numActionsTaken) {
      const started = d.info.recentActions[d.info.recentActions.length - 1]?.action.workflow;
      print(`Triggered schedule ${handle.scheduleId}: started ${started?.workflowId ?? 'a run'}.`);
      if (started) say(`Follow it with \`npx product-etl status --follow --workflow-id ${started.workflowId}\`.`);
      return 0;
    }
    if (d.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap) {
      print(`Schedule ${handle.scheduleId} did not start a run: one it started is still running (overlap policy SKIP).`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  print(`Triggered schedule ${handle.scheduleId}; the run has not shown up yet (see \`schedule describe\`).`);
  return 0;
}

/** `schedule ...`: the sync on a timetable, with overlap policy SKIP. */
export async function scheduleCommand(argv: string[]): Promise<number> {
  // Asked for by name in the messages above ("see --help"), so it must answer rather than fail as an unknown option.
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    print(`Usage: ${USAGE}`);
    return 0;
  }
  const { values, positionals } = parse(argv, OPTIONS, USAGE, true);
  const sub = positionals[0] as Subcommand | undefined;
  if (!sub || !SUBCOMMANDS.includes(sub) || positionals.length > 1) {
    throw new ConfigError(sub ? `unknown schedule command "${positionals.join(' ')}"` : 'schedule needs a command.', `Usage: ${USAGE}`);
  }
  const v = values as Values;
  const misplaced = (Object.keys(v) as Array<keyof Values>).filter((k) => k !== 'schedule-id' && !FLAGS_OF[sub].includes(k));
  if (misplaced.length) throw new ConfigError(`${misplaced.map((k) => `--${k}`).join(', ')} ${misplaced.length > 1 ? 'do' : 'does'} not go with schedule ${sub}.`, `Usage: ${USAGE}`);
  const settings = loadTemporalSettings();
  const client = await connectClient(settings);
  try {
    return await run(sub, client, settings, v['schedule-id'] ?? SCHEDULE_ID, v);
  } finally {
    await client.connection.close();
  }
}
