import { ApplicationFailure, Client, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { SCHEDULED_WORKFLOW_ID, searchAttributesOf, startSync, staticSummaryOf } from '../../../src/client';
import { ConfigError } from '../../../src/errors';
import { ProductSyncInput, SCHEDULE_ID, WORKFLOW_TYPE } from '../../../src/workflows/definitions';
import { syncInputOf } from '../options';
import { messageOf, retrying, waitFor, withTimeout } from '../util';
import { FaultContext, Injection, newInjection } from './context';

/** The ending of a start the run lock refused. */
export const REFUSED = 'Refused';

/**
 * How a run that was started ended: 'Refused' when the run lock refused it (it completes with status `refused`), its
 * ApplicationFailure type when it failed, else 'Completed'.
 */
export async function endingOf(client: Client, workflowId: string, temporalRunId?: string, timeoutMs = 180_000): Promise<string> {
  const result = client.workflow.getHandle(workflowId, temporalRunId).result().then((r: { status?: string } | undefined) => (r?.status === 'refused' ? REFUSED : 'Completed'), (err: unknown) => {
    let e: unknown = err;
    for (let i = 0; i < 6 && e instanceof Error; i++) {
      if (e instanceof ApplicationFailure) return e.type ?? 'ApplicationFailure';
      e = e.cause;
    }
    return `failed: ${messageOf(err)}`;
  });
  return withTimeout(result, timeoutMs, 'still running');
}

/**
 * Two starts at the same moment while the run goes on: one under the run's own id (Temporal refuses it: already
 * started) and one under another id (Temporal starts it; the run lock refuses it at once and it completes as `refused`).
 */
export async function concurrentStarts(ctx: FaultContext): Promise<Injection[]> {
  const same = newInjection(ctx, 'start-same-id');
  const other = newInjection(ctx, 'start-other-id');
  const rivalId = `product-sync-rival-${ctx.ordinal + 2}`;
  const input = syncInputOf(ctx);
  const [a, b] = await Promise.allSettled([
    startSync(ctx.client, ctx.taskQueue, input, ctx.main.workflowId),
    startSync(ctx.client, ctx.taskQueue, input, rivalId),
  ]);
  same.injected = other.injected = true;
  same.detail = `start under ${ctx.main.workflowId} while it runs`;
  other.detail = `start under ${rivalId} at the same moment`;
  if (a.status === 'rejected' && a.reason instanceof ConfigError && /already running/.test(a.reason.message)) same.observed.push('refused by Temporal: workflow already started');
  else {
    same.ok = false;
    same.observed.push(`NOT refused: ${a.status === 'rejected' ? messageOf(a.reason) : 'a second execution started'}`);
  }
  if (b.status === 'rejected') {
    other.ok = false;
    other.observed.push(`the start itself failed: ${messageOf(b.reason)}`);
  } else {
    const ending = await endingOf(ctx.client, rivalId, b.value.firstExecutionRunId);
    other.ok = ending === REFUSED;
    other.observed.push(ending === REFUSED ? 'refused by the run lock: completed as refused' : `NOT refused: ${ending}`);
  }
  return [same, other];
}

/** The product's schedule (overlap SKIP), created paused so only the harness's own ticks start runs. */
export async function createSchedule(client: Client, taskQueue: string, input: ProductSyncInput): Promise<ScheduleHandle> {
  return client.schedule.create({
    scheduleId: SCHEDULE_ID,
    spec: { intervals: [{ every: '1h' }] },
    action: {
      type: 'startWorkflow', workflowType: WORKFLOW_TYPE, taskQueue, workflowId: SCHEDULED_WORKFLOW_ID, args: [input],
      staticSummary: staticSummaryOf(input), typedSearchAttributes: searchAttributesOf(input),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    state: { paused: true, note: 'chaos harness: ticks only when triggered' },
  });
}

/** A schedule tick during the manual run: the scheduled run must be refused by the run lock or skipped. */
export async function scheduleTick(ctx: FaultContext): Promise<Injection> {
  const inj = newInjection(ctx, 'schedule-tick');
  const handle = ctx.client.schedule.getHandle(SCHEDULE_ID);
  const before = await retrying(() => handle.describe(), 60_000);
  await retrying(() => handle.trigger(ScheduleOverlapPolicy.SKIP), 60_000);
  inj.injected = true;
  const after = await waitFor(async () => {
    const d = await handle.describe();
    return d.info.numActionsTaken > before.info.numActionsTaken || d.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap ? d : undefined;
  }, 30_000, 250);
  if (!after) {
    inj.ok = false;
    inj.detail = 'triggered the schedule; it took no action within 30 s';
    return inj;
  }
  if (after.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap) {
    inj.detail = 'triggered the schedule';
    inj.observed.push('skipped by the schedule (overlap SKIP)');
    return inj;
  }
  const started = after.info.recentActions[after.info.recentActions.length - 1]?.action.workflow;
  inj.detail = `triggered the schedule: it started ${started?.workflowId ?? 'a run'}`;
  const ending = started ? await endingOf(ctx.client, started.workflowId, started.firstExecutionRunId) : 'unknown run';
  inj.ok = ending === REFUSED;
  inj.observed.push(inj.ok ? 'refused by the run lock: completed as refused' : `NOT refused: ${ending}`);
  return inj;
}
