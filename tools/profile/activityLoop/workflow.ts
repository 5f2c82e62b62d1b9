import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(i: number): Promise<number> }>({ startToCloseTimeout: '10 seconds' });

/** n activities one after another, each doing nothing: what remains is Temporal's hand-over between them. */
export async function activityLoop(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await noop(i);
  return n;
}
