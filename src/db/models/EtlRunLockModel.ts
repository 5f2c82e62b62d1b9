import { BaseModel } from './BaseModel';
import { RUN_LOCK_TABLE } from '../tables';

export class EtlRunLockModel extends BaseModel {
  static tableName = RUN_LOCK_TABLE;
  static idColumn = 'pipeline';
  pipeline!: string;
  workflow_id!: string;
  run_id!: string;
  acquired_at!: string;
}
