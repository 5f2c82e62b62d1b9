/**
 * Loaded into a worker with `node --require dist/tools/memory/probe.js` (the measuring tool does that when asked):
 * writes process.memoryUsage() once a second to $MEMORY_PROBE_FILE as JSON lines, so RSS can be split into V8 heap,
 * external memory and array buffers without touching the product's code. Node applies --require to worker threads
 * too, so the workflow threads report their own heaps (`thread` > 0); rss is the whole process's.
 */
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  const mb = (n: number) => Math.round(n / 1048576 * 10) / 10;
  const write = () => {
    const m = process.memoryUsage();
    appendFileSync(file, JSON.stringify({ at: Date.now(), thread: threadId, rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) }) + '\n');
  };
  setInterval(write, 1000).unref();
}
