import * as wf from '@temporalio/workflow';
import type { SyncActivities } from '../activities';

const { checkDatabase } = wf.proxyActivities<SyncActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

/** A round trip through the whole stack: Temporal schedules an activity that asks MySQL who and where it is. */
export async function stackCheckWorkflow(): Promise<{ database: string; version: string; stagingRows: number | null }> {
  return checkDatabase();
}
