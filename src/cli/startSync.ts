/** Moved to src/client; kept for src/chaos, which imports it from here until it moves out of src/. */
export { searchAttributesOf, startSync, staticSummaryOf } from '../client';
