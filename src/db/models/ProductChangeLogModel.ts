import { Model } from 'objection';

export class ProductChangeLogModel extends Model {
  static tableName = 'product_change_log';
  id!: string;
  product_id!: string;
  brand_code!: string;
  sku!: string;
  change_type!: 'INSERT' | 'UPDATE';
  /** JSON array text of sorted field names. */
  changed_fields!: string;
  before!: string | null;
  after!: string;
  old_data_version!: string | null;
  new_data_version!: string;
  staging_id!: string;
  src_updated_at!: string;
  workflow_id!: string;
  run_id!: string;
  created_at!: string;
}
