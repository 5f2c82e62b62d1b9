/**
 * Numbers as people read them wherever the sync shows them (the CLI, the Temporal UI's run details, reports): one
 * format, whatever the machine's locale. No imports: workflow code uses it too.
 */
export const formatCount = (x: number): string => x.toLocaleString('en-US');
