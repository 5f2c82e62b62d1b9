import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { UserFacingError } from '../errors';
import { SEARCH_ATTRIBUTES } from './searchAttributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * The workflow upserts EtlPipeline and EtlMode, and a workflow that upserts an unregistered attribute fails its
 * workflow task. So the worker checks they exist before polling, and registers them where the server allows it
 * (dev server, self-hosted). On Temporal Cloud, register them once with tcld or the Cloud UI.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const ops = client.connection.operatorService;
  const existing = await ops.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((a) => !(a.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await ops.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((a) => [a.name, KEYWORD])) });
  } catch (err) {
    throw new UserFacingError(
      `The search attributes ${missing.map((a) => a.name).join(', ')} are not registered in namespace ${namespace}, and registering them failed: ${(err as Error).message}`,
      `Register them as Keyword once: temporal operator search-attribute create --namespace ${namespace} ${missing.map((a) => `--name ${a.name} --type Keyword`).join(' ')}`,
      { cause: err },
    );
  }
}
