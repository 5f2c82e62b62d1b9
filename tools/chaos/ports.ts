import { createServer } from 'node:net';

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The first free port at or after `preferred` (stepping by `step`), also requiring `port + companionOffset` free
 * when given (the dev server's Web UI). Never one in `avoid`: the shared MariaDB and Temporal ports are off-limits
 * even if they happen to be down right now, because someone else's tests expect to start them there.
 */
export async function findFreePort(preferred: number, opts: { avoid?: number[]; companionOffset?: number; step?: number } = {}): Promise<number> {
  const avoid = new Set(opts.avoid ?? []);
  const step = opts.step ?? 1;
  for (let port = preferred, tries = 0; tries < 200 && port < 65_000; port += step, tries++) {
    const companion = opts.companionOffset === undefined ? undefined : port + opts.companionOffset;
    if (avoid.has(port) || (companion !== undefined && avoid.has(companion))) continue;
    if (!(await portIsFree(port))) continue;
    if (companion !== undefined && !(await portIsFree(companion))) continue;
    return port;
  }
  throw new Error(`No free port found from ${preferred} on`);
}

/** Ports other people's tests and dev servers use on this machine: never touch them. */
export const SHARED_PORTS = [3306, 7233, 8233, 17233, 18233];
