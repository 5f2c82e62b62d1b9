import type { Client } from '@temporalio/client';
import { startSync } from '../../../src/client';
import { ConfigError } from '../../../src/errors';
import type { RunOwner } from '../../../src/shared/syncTypes';
import { CLI_WORKFLOW_ID, pauseSignal, ProductSyncInput } from '../../../src/workflows/definitions';
import { messageOf } from '../util';
import { endingOf, REFUSED } from './starts';
import type { Injection } from './context';

/** The run the faults hit, by its workflow id and pipeline run (its first execution's run id). */
export type MainRun = RunOwner;

function injection(kind: Injection['kind'], detail: string): Injection {
  return { kind, at: 0, injected: true, detail, observed: [], differences: 0, ok: true };
}

/**
 * The run itself begins as a race: `product-sync` started twice at the same instant, and a run under another id at
 * that instant too. Temporal must refuse one `product-sync`; of the two executions left, the run lock must let
 * exactly one through (the other completes as refused). Whichever wins is the run the faults then hit.
 */
export async function openingRace(client: Client, taskQueue: string, input: ProductSyncInput): Promise<{ main: MainRun; injections: Injection[] }> {
  const rivalId = 'product-sync-rival-1';
  const [a, b, c] = await Promise.allSettled([
    startSync(client, taskQueue, input, CLI_WORKFLOW_ID),
    startSync(client, taskQueue, input, CLI_WORKFLOW_ID),
    startSync(client, taskQueue, input, rivalId),
  ]);
  const same = injection('start-same-id', `${CLI_WORKFLOW_ID} started twice at the same instant`);
  const other = injection('start-other-id', `${rivalId} started at that instant too`);
  const accepted = [a, b].filter((s) => s.status === 'fulfilled');
  const refused = [a, b].filter((s) => s.status === 'rejected' && s.reason instanceof ConfigError && /already running/.test(s.reason.message));
  same.ok = accepted.length === 1 && refused.length === 1;
  same.observed.push(same.ok ? 'one refused by Temporal: workflow already started' : `accepted ${accepted.length}, refused ${refused.length}: ${[a, b].map((s) => (s.status === 'rejected' ? messageOf(s.reason) : 'started')).join(' / ')}`);
  const first = accepted[0];
  if (!first || first.status !== 'fulfilled' || c.status !== 'fulfilled') {
    throw new Error(`the opening starts failed: ${[a, b, c].map((s) => (s.status === 'rejected' ? messageOf(s.reason) : 'started')).join(' / ')}`);
  }
  const candidates: MainRun[] = [
    { workflowId: CLI_WORKFLOW_ID, pipelineRunId: first.value.firstExecutionRunId },
    { workflowId: rivalId, pipelineRunId: c.value.firstExecutionRunId },
  ];
  // Both paused at once (the lock is taken before the first batch either way), so the winner does not race through
  // its batches while the harness settles the opening; the harness resumes it when the faults begin.
  await Promise.allSettled(candidates.map((r) => client.workflow.getHandle(r.workflowId, r.pipelineRunId).signal(pauseSignal)));
  // The loser fails within seconds (a lock deadlock between the two is retried once); the winner runs on.
  const loser = await Promise.race(candidates.map(async (run) => ({ run, ending: await endingOf(client, run.workflowId, run.pipelineRunId, 120_000) })));
  const main = candidates.find((r) => r !== loser.run) as MainRun;
  const mainState = (await client.workflow.getHandle(main.workflowId, main.pipelineRunId).describe()).status.name;
  other.ok = loser.ending === REFUSED && mainState === 'RUNNING';
  other.observed.push(other.ok
    ? `${loser.run.workflowId} lost the run lock: completed as refused; ${main.workflowId} runs`
    : `${loser.run.workflowId}: ${loser.ending}; ${main.workflowId}: ${mainState}`);
  return { main, injections: [same, other] };
}
