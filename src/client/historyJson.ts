import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { ConfigError } from '../errors';

/*
 * Proto JSON of a History, as `temporal workflow show --output json` writes it and the UI downloads it.
 * @temporalio/common has historyToJSON/historyFromJSON for this, but they check `type instanceof Type` against their
 * own copy of protobufjs, while the types come from @temporalio/proto's copy; npm gives each package its own copy
 * here (grpc-js needs protobufjs 7 at the top), so they throw "type must be a Type". The protojson of the copy
 * @temporalio/proto itself loads always matches its types.
 */
interface ReflectedField {
  jsonName: string;
  map?: boolean;
  keyType?: string;
  repeated: boolean;
  resolvedType: ReflectedType | object | null;
}
interface ReflectedType {
  fullName: string;
  fieldsArray: ReflectedField[];
}
interface ProtoJson {
  toJson(type: ReflectedType, message: unknown): unknown;
  fromJson(type: ReflectedType, json: unknown, options?: { ignoreUnknownFields?: boolean }): History;
}

const protoRequire = createRequire(require.resolve('@temporalio/proto'));
const protojson = protoRequire('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): ReflectedType }).lookupType('temporal.api.history.v1.History');

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isType = (t: unknown): t is ReflectedType => isObject(t) && Array.isArray((t as { fieldsArray?: unknown }).fieldsArray);

/** Go's protojson (the CLI) writes map entries sorted by key; protobufjs keeps insertion order. Match the CLI. */
function sortMapKeys(type: ReflectedType, json: unknown): void {
  if (!isObject(json) || type.fullName.startsWith('.google.protobuf.')) return; // well-known types have their own JSON
  for (const field of type.fieldsArray) {
    const value = json[field.jsonName];
    if (value === undefined) continue;
    const sub = isType(field.resolvedType) ? field.resolvedType : undefined;
    if (field.map && isObject(value)) {
      const numeric = field.keyType !== 'string';
      const keys = Object.keys(value).sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
      const sorted: JsonObject = Object.fromEntries(keys.map((k) => [k, value[k]]));
      json[field.jsonName] = sorted;
      if (sub) for (const v of Object.values(sorted)) sortMapKeys(sub, v);
    } else if (Array.isArray(value)) {
      if (sub) for (const v of value) sortMapKeys(sub, v);
    } else if (sub) {
      sortMapKeys(sub, value);
    }
  }
}

/** The text `temporal workflow show --output json` prints for this history (without its final newline). */
export function historyToCliJson(history: History): string {
  const json = protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
  sortMapKeys(historyType, json);
  return JSON.stringify(json, null, 2);
}

/** Older UIs wrote enum values in PascalCase ("WorkflowExecutionStarted"), tctl without prefix; the proto names are wanted. */
function constantCase(value: unknown, prefix: string): unknown {
  if (typeof value !== 'string' || value.startsWith(`${prefix}_`)) return value;
  if (/^[A-Z][A-Z0-9_]*$/.test(value)) return `${prefix}_${value}`; // tctl: WORKFLOW_EXECUTION_STARTED
  if (/^[A-Z][A-Za-z0-9]*$/.test(value)) return `${prefix}_${value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
  return value;
}

function fixEvent(event: unknown, index: number): JsonObject {
  if (!isObject(event)) throw new ConfigError(`event ${index + 1} is not an object`);
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  if (!key || !isObject(event[key])) throw new ConfigError(`event ${String(event.eventId ?? index + 1)} has no ...EventAttributes`);
  const attrs: JsonObject = { ...event[key] };
  if (isObject(attrs.taskQueue)) attrs.taskQueue = { ...attrs.taskQueue, kind: constantCase(attrs.taskQueue.kind, 'TASK_QUEUE_KIND') };
  for (const [field, prefix] of [['parentClosePolicy', 'PARENT_CLOSE_POLICY'], ['workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'], ['initiator', 'CONTINUE_AS_NEW_INITIATOR'], ['retryState', 'RETRY_STATE']]) {
    if (attrs[field] !== undefined) attrs[field] = constantCase(attrs[field], prefix);
  }
  return { ...event, eventType: constantCase(event.eventType, 'EVENT_TYPE'), [key]: attrs };
}

/**
 * A history from its JSON text: the CLI's `{"events": [...]}`, the UI's download (the same, or a bare array of
 * events, possibly newest first), or a GetWorkflowExecutionHistory response `{"history": {"events": [...]}}`.
 */
export function historyFromJsonText(text: string): History {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`not JSON: ${(err as Error).message}`);
  }
  const container = isObject(parsed) && isObject(parsed.history) ? parsed.history : parsed;
  const events = Array.isArray(container) ? container : isObject(container) ? container.events : undefined;
  if (!Array.isArray(events) || events.length === 0) throw new ConfigError('no history events: expected {"events": [...]} as `temporal workflow show --output json` writes it');
  const fixed = events.map(fixEvent).sort((a, b) => Number(a.eventId) - Number(b.eventId));
  try {
    return protojson.fromJson(historyType, { events: fixed }, { ignoreUnknownFields: true });
  } catch (err) {
    throw new ConfigError(
      `not a Temporal history: ${(err as Error).message}`,
      'Payloads must be encoded (base64), as the CLI writes them; in the UI, download the history with decoding turned off.',
      { cause: err },
    );
  }
}
