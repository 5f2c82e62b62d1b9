import { BaseModel } from './BaseModel';
import { BATCH_LOG_TABLE } from '../tables';

export class EtlBatchLogModel extends BaseModel {
  static tableName = BATCH_LOG_TABLE;
  id!: string;
  table_name!: string;
  workflow_id!: string;
  run_id!: string;
  from_at!: string;
  from_id!: string;
  to_at!: string;
  to_id!: string;
  rows_read!: number;
  inserted!: number;
  updated!: number;
  unchanged!: number;
  stale!: number;
  rejected!: number;
  elapsed_ms!: number;
  committed_at!: string;
}
