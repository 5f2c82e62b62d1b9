// The worker bundles this file: only workflow code and what it may import (no Node built-ins, no I/O).
export { productSyncWorkflow } from './productSync';
export { stackCheckWorkflow } from './stackCheck';
