export { ProductModel } from './ProductModel';
export { ProductStagingModel, ReadOnlyTableError } from './ProductStagingModel';
export { ProductChangeLogModel } from './ProductChangeLogModel';
export { ProductEtlRejectModel } from './ProductEtlRejectModel';
export { EtlWatermarkModel } from './EtlWatermarkModel';
export { EtlBatchLogModel } from './EtlBatchLogModel';
export { EtlRunLockModel } from './EtlRunLockModel';
