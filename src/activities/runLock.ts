import { ApplicationFailure } from '@temporalio/common';
import { runLockStore } from '../db/stores/runLockStore';
import type { AcquireRunLockInput, ActiveRun } from '../shared/syncTypes';
import type { ActivityDeps } from './deps';
import { FailureType } from './failures';
import { classifyAndCount } from './observedFailure';

/**
 * One active sync per pipeline, whoever started it. The lock row names its holder; a holder whose workflow is no
 * longer running in Temporal (it failed, was terminated, or its worker's database was restored) is taken over,
 * so a crash never leaves the pipeline locked.
 */
export function createRunLock({ knex, logger, config, client, metrics }: ActivityDeps) {
  async function holderIsRunning(workflowId: string): Promise<boolean> {
    if (!client) return true; // without a client we cannot tell: be safe and refuse
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      return d.status.name === 'RUNNING';
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return false;
      throw err;
    }
  }

  async function acquireRunLock(input: AcquireRunLockInput): Promise<void> {
    try {
      await knex.transaction(async (trx) => {
        const holder = await runLockStore.lockRow(trx, config.pipeline);
        const mine = holder && holder.workflowId === input.workflowId && holder.pipelineRunId === input.pipelineRunId;
        if (holder && !mine && (await holderIsRunning(holder.workflowId))) {
          // The holder also goes in the details, so the workflow can end a refused start with a summary naming it.
          const active: ActiveRun = { workflowId: holder.workflowId, runId: holder.pipelineRunId, since: holder.acquiredAt };
          throw ApplicationFailure.create({
            details: [active],
            type: FailureType.SyncAlreadyRunning,
            message: `Another ${config.pipeline} sync is active: workflow ${holder.workflowId} (run ${holder.pipelineRunId}, since ${holder.acquiredAt} UTC). ` +
              'Wait for it to finish, or cancel it, then start again.',
            nonRetryable: true,
          });
        }
        if (holder && !mine) logger.warn('taking over a run lock whose holder is no longer running', { holder });
        if (!mine) await runLockStore.take(trx, config.pipeline, input);
      });
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  }

  async function releaseRunLock(input: AcquireRunLockInput): Promise<boolean> {
    try {
      return await runLockStore.release(knex, config.pipeline, input);
    } catch (err) {
      throw classifyAndCount(metrics, err);
    }
  }

  return { acquireRunLock, releaseRunLock };
}
