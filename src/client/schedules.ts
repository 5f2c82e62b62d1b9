import {
  Client,
  isGrpcServiceError,
  ScheduleAlreadyRunning,
  ScheduleDescription,
  ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOptionsAction,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { ConfigError, NotFoundError } from '../errors';
import { ensureSearchAttributes } from '../temporal/ensureSearchAttributes';
import { WORKFLOW_TYPE } from '../workflows/definitions';
import { searchAttributesOf, staticSummaryOf } from './runMetadata';
import { SCHEDULE_HELP, ScheduleDefinition } from './scheduleDefinition';

/** gRPC status INVALID_ARGUMENT: the server's answer to a spec it cannot use. */
const INVALID_ARGUMENT = 3;

export interface ScheduleReport {
  description: ScheduleDescription;
  /** The last few runs it started, newest first, with their status now. */
  recentRuns: Array<{ takenAt: Date; workflowId: string; status: string }>;
}

export type TriggerResult =
  | { kind: 'started'; workflowId: string | undefined }
  /** A run it started is still going (overlap policy SKIP). */
  | { kind: 'skipped' }
  /** The server took the trigger but had not started the run when we stopped looking. */
  | { kind: 'pending' };

/**
 * The server checks what we cannot (a cron field out of range, a time zone it lacks): say what it said. The client
 * turns "Invalid schedule spec" answers into a TypeError carrying the server's words, other refusals into a
 * ServiceError whose cause is the gRPC error.
 */
function refused(err: unknown): never {
  if (err instanceof TypeError) throw new ConfigError(`Temporal refused the schedule's timing: ${err.message}`, SCHEDULE_HELP, { cause: err });
  if (isGrpcServiceError(err) && err.code === INVALID_ARGUMENT) {
    throw new ConfigError(`Temporal refused the schedule: ${err.details || err.message}`, SCHEDULE_HELP, { cause: err });
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause && isGrpcServiceError(cause) && cause.code === INVALID_ARGUMENT) refused(cause);
  throw err;
}

function notFound(scheduleId: string, err: unknown): NotFoundError {
  return new NotFoundError(`There is no schedule ${scheduleId}.`, 'Create it with `npx product-etl schedule create --every 1h` (see --help for the options).', { cause: err });
}

async function orNotFound<T>(scheduleId: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw err instanceof ScheduleNotFoundError ? notFound(scheduleId, err) : err;
  }
}

/** The sync on a timetable, always with overlap policy SKIP: a scheduled run never starts beside a running one. */
export class SyncSchedules {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async create(scheduleId: string, definition: ScheduleDefinition, note?: string): Promise<void> {
    await ensureSearchAttributes(this.client, this.client.options.namespace);
    try {
      await this.client.schedule.create({
        scheduleId,
        spec: definition.spec,
        action: this.actionOf(scheduleId, definition),
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: definition.catchupWindowMs },
        state: { note },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) {
        throw new ConfigError(`The schedule ${scheduleId} already exists.`, 'Change it with `npx product-etl schedule update ...` (same options), or remove it with `schedule delete`.', { cause: err });
      }
      refused(err);
    }
  }

  /** Replaces the whole definition; the paused state, the remaining actions and (without a new note) the note are kept. */
  async update(scheduleId: string, definition: ScheduleDefinition, note?: string): Promise<void> {
    await ensureSearchAttributes(this.client, this.client.options.namespace);
    try {
      await this.handle(scheduleId).update((previous) => ({
        spec: definition.spec,
        action: this.actionOf(scheduleId, definition),
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: definition.catchupWindowMs, pauseOnFailure: previous.policies.pauseOnFailure },
        state: { paused: previous.state.paused, note: note ?? previous.state.note, remainingActions: previous.state.remainingActions },
      }));
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw notFound(scheduleId, err);
      refused(err);
    }
  }

  async describe(scheduleId: string): Promise<ScheduleReport> {
    const description = await orNotFound(scheduleId, () => this.handle(scheduleId).describe());
    const recentRuns = [];
    for (const r of description.info.recentActions.slice(-5).reverse()) {
      const wf = r.action.workflow;
      const status = await this.client.workflow.getHandle(wf.workflowId, wf.firstExecutionRunId).describe().then((x) => x.status.name, () => 'unknown');
      recentRuns.push({ takenAt: r.takenAt, workflowId: wf.workflowId, status });
    }
    return { description, recentRuns };
  }

  // Our own default notes: the SDK's say "via TypeScript SDK", which tells the UI's reader nothing.
  async pause(scheduleId: string, note = 'Paused from the product-etl command line'): Promise<void> {
    await orNotFound(scheduleId, () => this.handle(scheduleId).pause(note));
  }

  async unpause(scheduleId: string, note = 'Unpaused from the product-etl command line'): Promise<void> {
    await orNotFound(scheduleId, () => this.handle(scheduleId).unpause(note));
  }

  async delete(scheduleId: string): Promise<void> {
    await orNotFound(scheduleId, () => this.handle(scheduleId).delete());
  }

  /** Starts a run now, with the schedule's own overlap policy (SKIP): no second run beside a running scheduled one. */
  async trigger(scheduleId: string): Promise<TriggerResult> {
    const handle = this.handle(scheduleId);
    const before = await orNotFound(scheduleId, async () => {
      const d = await handle.describe();
      await handle.trigger(ScheduleOverlapPolicy.SKIP);
      return d;
    });
    // The server takes the action asynchronously; wait a little to name the run it started.
    for (let i = 0; i < 40; i++) {
      const d = await handle.describe();
      if (d.info.numActionsTaken > before.info.numActionsTaken) {
        return { kind: 'started', workflowId: d.info.recentActions[d.info.recentActions.length - 1]?.action.workflow.workflowId };
      }
      if (d.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap) return { kind: 'skipped' };
      await new Promise((r) => setTimeout(r, 250));
    }
    return { kind: 'pending' };
  }

  private handle(scheduleId: string): ScheduleHandle {
    return this.client.schedule.getHandle(scheduleId);
  }

  /** What each scheduled run starts: the same workflow, input, summary and search attributes as `sync` would. */
  private actionOf(scheduleId: string, definition: ScheduleDefinition): ScheduleOptionsAction {
    const { input } = definition;
    return {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPE,
      taskQueue: this.taskQueue,
      // Temporal appends the scheduled time, so each run has its own id; the DB run lock still allows one at a time.
      workflowId: definition.workflowIdPrefix,
      args: [input],
      staticSummary: staticSummaryOf(input),
      staticDetails: `Started by schedule ${scheduleId} with input \`${JSON.stringify(input)}\`.`,
      typedSearchAttributes: searchAttributesOf(input),
    };
  }
}
