import { createConnection, Connection } from 'mysql2/promise';
import type { DatabaseSettings } from '../../src/db/databaseUrl';
import { sleep, waitFor } from './util';
import { BATCH_LOG_TABLE, CHANGE_LOG_TABLE, PRODUCTS_TABLE, REJECT_TABLE } from '../../src/db/tables';

/**
 * The tables a batch writes after it has locked the watermark row, in the order it writes them. Holding one of
 * them (LOCK TABLES ... WRITE from a session of the harness's own) parks the next batch at that statement, inside
 * its transaction, with the watermark row locked and everything before that statement written but not committed.
 */
export const GATE_TABLES = [PRODUCTS_TABLE, CHANGE_LOG_TABLE, REJECT_TABLE, BATCH_LOG_TABLE] as const;
export type GateTable = (typeof GATE_TABLES)[number];

export interface ParkedBatch {
  /** The worker's connection id (what KILL takes). */
  thread: number;
  table: GateTable;
  rowsModified: number;
}

/**
 * Faults that must land in the middle of a batch's transaction use this gate: a batch lasts milliseconds and
 * spends most of its life outside the transaction, so waiting to catch one open is luck. With the gate the harness
 * parks the batch at a chosen statement, injects the fault there, and opens the gate. Its own plain connection,
 * because LOCK TABLES belongs to one session.
 */
export class BatchGate {
  private conn: Connection | undefined;
  private closedOn: GateTable | undefined;

  constructor(private readonly settings: DatabaseSettings) {}

  /** Returns once the lock is held: a batch already inside that table finishes first (it holds the table's MDL). */
  async close(table: GateTable): Promise<void> {
    const s = this.settings;
    this.conn ??= await createConnection({ host: s.host, port: s.port, user: s.user, password: s.password, database: s.database });
    await this.conn.query(`LOCK TABLES ${table} WRITE`);
    this.closedOn = table;
  }

  /**
   * The batch now waiting at the gate, once one is (undefined on timeout). Polls PROCESSLIST only: InnoDB refreshes
   * information_schema.innodb_trx only after 100 ms without readers, so polling it often would freeze it (seen).
   */
  async parked(timeoutMs: number): Promise<ParkedBatch | undefined> {
    const table = this.closedOn;
    const conn = this.conn;
    if (!table || !conn) return undefined;
    const thread = await waitFor(async () => {
      const [rows] = await conn.query(`SELECT ID AS thread FROM information_schema.PROCESSLIST WHERE STATE = 'Waiting for table metadata lock' AND ID <> CONNECTION_ID()`);
      const [first] = rows as Array<{ thread: string | number }>;
      return first ? Number(first.thread) : undefined;
    }, timeoutMs, 20);
    if (thread === undefined) return undefined;
    await sleep(150);
    const [trx] = await conn.query('SELECT trx_rows_modified AS n FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = ?', [thread]);
    return { thread, table, rowsModified: Number((trx as Array<{ n: string | number }>)[0]?.n ?? 0) };
  }

  /** Lets the parked batch go on. Harmless when closed already, or when the server went away with the lock. */
  async open(): Promise<void> {
    this.closedOn = undefined;
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    await conn.query('UNLOCK TABLES').catch(() => undefined);
    await conn.end().catch(() => conn.destroy());
  }
}
