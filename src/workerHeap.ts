import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the worker's old generation grow past what survived the last full collection, in percent.
 *
 * V8 picks that growth itself, from how cheap collection has been: a worker whose batches leave garbage that is
 * cheap to collect gets the top factor, 4x, on a machine with enough memory for a 4 GB heap limit. The heap then grew
 * far past the 50-60 MB the worker keeps alive, and a 200k-row sync peaked at 358 MB RSS (docs/operations.md, Worker
 * memory). At 2x (100) the peak is 273 MB and the sync 1-3 % slower than with V8's choice; at 1.5x (50, the value
 * until the run-start read was fixed) 253 MB but 7 % slower, more full collections than the memory is worth.
 */
export const WORKER_HEAP_GROWING_PERCENT = 100;

const FLAG = /--heap[-_]growing[-_]percent\b/;

/**
 * Sets V8's heap growing factor for a long-running worker process, unless the operator gave node the flag
 * (`node --heap-growing-percent=N bin/product-etl.js worker`; node refuses it in NODE_OPTIONS). Set from here because
 * it works from here: V8 reads this flag at every full collection, whereas --max-old-space-size, which would also
 * lower the factor, is read once when the heap is sized and needs a re-exec of node to apply (verified with
 * --trace-gc; test/integration/workerMemory.test.ts checks the effect by the worker process's peak RSS).
 * Returns the value that applies, or undefined when the operator's does.
 */
export function tuneWorkerHeap(execArgv: readonly string[] = process.execArgv): number | undefined {
  if (execArgv.some((a) => FLAG.test(a))) return undefined;
  setFlagsFromString(`--heap-growing-percent=${WORKER_HEAP_GROWING_PERCENT}`);
  return WORKER_HEAP_GROWING_PERCENT;
}
