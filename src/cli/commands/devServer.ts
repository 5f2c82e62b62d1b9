import { parse, intOption } from '../args';
import { ConfigError } from '../../errors';
import { defaultDevServerOptions, devServerStatus, startDevServer, stopDevServer } from '../../temporal/devServer';
import { print, say } from '../output';

const USAGE = 'product-etl dev-server start|stop|status [--port 7233] [--ui-port 8233] [--data-dir .data] [--dynamic-config KEY=VALUE ...]';

export async function devServerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    port: { type: 'string' },
    'ui-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'dynamic-config': { type: 'string', multiple: true },
  }, USAGE, true);
  const port = intOption('port', values.port as string | undefined, 1, 65535);
  const o = defaultDevServerOptions({
    port,
    uiPort: intOption('ui-port', values['ui-port'] as string | undefined, 1, 65535),
    dataDir: values['data-dir'] as string | undefined,
    dynamicConfig: (values['dynamic-config'] as string[] | undefined) ?? [],
  });
  switch (positionals[0]) {
    case 'start': {
      const s = await startDevServer(o, say);
      print(`Temporal: ${s.address} (namespace ${o.namespace})  Web UI: ${s.uiUrl}`);
      return 0;
    }
    case 'stop':
      await stopDevServer(o, say);
      return 0;
    case 'status': {
      const s = await devServerStatus(o);
      print(s.running
        ? `running at ${s.address} (${s.ownedBy === 'product-etl' ? `pid ${s.pid}, started by product-etl, state ${s.dbFile}` : 'not started by product-etl'}); Web UI ${s.uiUrl}`
        : `not running at ${s.address}`);
      return s.running ? 0 : 3;
    }
    default:
      throw new ConfigError(`dev-server needs start, stop or status (got ${positionals[0] ?? 'nothing'})`, `Usage: ${USAGE}`);
  }
}
