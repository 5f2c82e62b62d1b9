/**
 * The pipeline this sync is: the run lock's key (one active sync per pipeline) and the EtlPipeline search attribute's
 * value. No imports: workflow code uses it too.
 */
export const PIPELINE_NAME = 'products';
