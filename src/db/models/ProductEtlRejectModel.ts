import { Model } from 'objection';

export class ProductEtlRejectModel extends Model {
  static tableName = 'product_etl_reject';
  id!: string;
  staging_id!: string;
  brand_code!: string | null;
  sku!: string | null;
  reason_code!: string;
  field!: string;
  message!: string;
  raw_row!: string;
  src_updated_at!: string;
  workflow_id!: string;
  run_id!: string;
  created_at!: string;
}
