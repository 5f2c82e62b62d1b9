import { Command } from '@commander-js/extra-typings';
import { defaultDevServerOptions, DevServerOptions, devServerStatus, startDevServer, stopDevServer } from '../../temporal/devServer';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { print, say } from '../output';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The same server options on start, stop and status, so each names the server it means. */
const define = (parent: Command, name: string, description: string) =>
  parent
    .command(name)
    .description(description)
    .option('--port <port>', 'gRPC port (default: 7233, or $PRODUCT_ETL_DEV_SERVER_PORT)', wholeNumberArg('port', 1, 65535))
    .option('--ui-port <port>', 'Web UI port (default: the gRPC port + 1000)', wholeNumberArg('ui-port', 1, 65535))
    .option('--data-dir <dir>', 'its state goes in <dir>/temporal (default: .data, or $PRODUCT_ETL_DATA_DIR)')
    .option('--dynamic-config <KEY=VALUE>', 'a dynamic config value for the server; repeat for more (eager activity dispatch is on unless you pass system.enableActivityEagerExecution=false)', collect, [] as string[]);

function optionsOf(f: OptionsOf<typeof define>): DevServerOptions {
  return defaultDevServerOptions({ port: f.port, uiPort: f.uiPort, dataDir: f.dataDir, dynamicConfig: f.dynamicConfig });
}

/** `dev-server start|stop|status`: the local Temporal dev server (Web UI on 8233). */
export const addDevServerCommand: AddCommand = (program, exit) => {
  const devServer = program.command('dev-server').description('start|stop|status the local Temporal dev server (Web UI on 8233)');
  define(devServer, 'start', 'start it in the background (a no-op when it is already up)').action(act(exit, async (f) => {
    const o = optionsOf(f);
    const s = await startDevServer(o, say);
    print(`Temporal: ${s.address} (namespace ${o.namespace})  Web UI: ${s.uiUrl}`);
    return 0;
  }));
  define(devServer, 'stop', 'stop the one product-etl started').action(act(exit, async (f) => {
    await stopDevServer(optionsOf(f), say);
    return 0;
  }));
  define(devServer, 'status', 'whether it runs (exit status 3 when not)').action(act(exit, async (f) => {
    const s = await devServerStatus(optionsOf(f));
    print(s.running
      ? `running at ${s.address} (${s.ownedBy === 'product-etl' ? `pid ${s.pid}, started by product-etl, state ${s.dbFile}` : 'not started by product-etl'}); Web UI ${s.uiUrl}`
      : `not running at ${s.address}`);
    return s.running ? 0 : 3;
  }));
};
