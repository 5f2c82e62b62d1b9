import { BaseModel } from './BaseModel';
import type { StagingRow } from '../../domain/types';
import { STAGING_TABLE } from '../tables';

export class ReadOnlyTableError extends Error {
  constructor(table: string) {
    super(`${table} is owned by the DBA and is read-only to the sync`);
    this.name = 'ReadOnlyTableError';
  }
}

/**
 * `products_staging`: the DBA's table. The sync reads it and never writes, so every write through this model throws
 * before any SQL is sent. (The database grants enforce the same for raw SQL; see docs/operations.md.)
 */
export class ProductStagingModel extends BaseModel implements StagingRow {
  static tableName = STAGING_TABLE;
  id!: string;
  brand_code!: string | null;
  sku!: string | null;
  name!: string | null;
  category!: string | null;
  price!: string | null;
  status!: string | null;
  attributes!: string | null;
  tags!: string | null;
  src_updated_at!: string;

  static beforeInsert(): never {
    throw new ReadOnlyTableError(ProductStagingModel.tableName);
  }
  static beforeUpdate(): never {
    throw new ReadOnlyTableError(ProductStagingModel.tableName);
  }
  static beforeDelete(): never {
    throw new ReadOnlyTableError(ProductStagingModel.tableName);
  }
}
