import { BaseModel } from './BaseModel';
import { WATERMARK_TABLE } from '../tables';

export class EtlWatermarkModel extends BaseModel {
  static tableName = WATERMARK_TABLE;
  id!: number;
  table_name!: string;
  last_processed_at!: string | null;
  last_processed_id!: string | null;
  workflow_id!: string | null;
  run_id!: string | null;
  updated_at!: string;
}
