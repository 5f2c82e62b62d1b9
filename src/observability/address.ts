/**
 * The metrics address: `host:port`, `:port` (all interfaces) or a bare port (loopback). Off unless given: see
 * docs/operations.md ("Metrics and health") for why.
 */
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const t = text.trim();
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(t) ?? (/^\d+$/.test(t) ? [t, undefined, '127.0.0.1', t] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Not a listen address: ${JSON.stringify(text)}; use host:port, e.g. 127.0.0.1:9464 or 0.0.0.0:9464`);
  }
  const host = m[1] ?? m[2];
  return { host: host === '' ? '0.0.0.0' : (host as string), port };
}

export function formatListenAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export interface ObservabilityAddresses {
  /** /metrics, /healthz, /readyz. */
  metrics?: ListenAddress;
  /** The Temporal SDK's own Prometheus exporter (a server inside the SDK's native core). */
  sdkMetrics?: ListenAddress;
}

/**
 * PRODUCT_ETL_METRICS_ADDR turns metrics on; PRODUCT_ETL_SDK_METRICS_ADDR places the SDK's metrics, by default on the
 * next port of the same host (9464 -> 9465), or `off`. A CLI flag, when given, takes the place of the first.
 */
export function observabilityAddresses(env: NodeJS.ProcessEnv = process.env, metricsAddr?: string): ObservabilityAddresses {
  const main = metricsAddr ?? env.PRODUCT_ETL_METRICS_ADDR;
  const metrics = main && main.trim() !== '' && main.trim() !== 'off' ? parseListenAddress(main) : undefined;
  const sdkText = env.PRODUCT_ETL_SDK_METRICS_ADDR?.trim();
  if (sdkText === 'off') return { metrics };
  if (sdkText) return { metrics, sdkMetrics: parseListenAddress(sdkText) };
  if (!metrics || metrics.port === 0) return { metrics };
  return { metrics, sdkMetrics: { host: metrics.host, port: metrics.port + 1 } };
}
