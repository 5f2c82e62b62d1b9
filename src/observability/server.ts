/**
 * The worker's observability endpoint: /metrics (Prometheus text), /healthz (the process answers) and /readyz (the
 * database and Temporal answer). Plain node:http: three routes do not need a framework.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ListenAddress, formatListenAddress } from './address';
import { ReadinessCheck, runReadiness } from './readiness';

export interface ObservabilityServerOptions {
  addr: ListenAddress;
  registry: Registry;
  readiness?: readonly ReadinessCheck[];
}

export interface ObservabilityServer {
  /** The address bound (the port is the real one when 0 was asked for). */
  addr: ListenAddress;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export async function startObservabilityServer(o: ObservabilityServerOptions): Promise<ObservabilityServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') return send(res, 200, o.registry.contentType, await o.registry.metrics());
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      const r = await runReadiness(o.readiness ?? []);
      return send(res, r.ready ? 200 : 503, 'application/json', `${JSON.stringify({ status: r.ready ? 'ready' : 'unready', checks: r.checks })}\n`);
    }
    return send(res, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `error: ${(err as Error)?.message ?? 'unknown'}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.addr.port, o.addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = { host: o.addr.host, port: (server.address() as AddressInfo).port };
  return {
    addr: bound,
    url: `http://${formatListenAddress(bound.host === '0.0.0.0' ? { ...bound, host: '127.0.0.1' } : bound)}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
