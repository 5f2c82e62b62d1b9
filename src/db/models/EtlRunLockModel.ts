import { Model } from 'objection';

export class EtlRunLockModel extends Model {
  static tableName = 'etl_run_lock';
  static idColumn = 'pipeline';
  pipeline!: string;
  workflow_id!: string;
  run_id!: string;
  acquired_at!: string;
}
