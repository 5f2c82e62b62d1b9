import { Model } from 'objection';

/** `products`, keyed by (brand_code, sku). Queries get knex or the transaction passed in: `ProductModel.query(trx)`. */
export class ProductModel extends Model {
  static tableName = 'products';
  id!: string;
  brand_code!: string;
  sku!: string;
  name!: string;
  category!: string | null;
  price!: string | null;
  status!: string;
  attributes!: string | null;
  tags!: string | null;
  data_version!: string | null;
  source_id!: string | null;
  src_updated_at!: string | null;
  created_at!: string;
  updated_at!: string;
}
