/**
 * Typed encode/decode of the wire frames. Uses the schema embedded in descriptor.ts, so it runs in
 * Node and in the browser without reading files. Every helper throws FrameError on bad input.
 */
import protobuf from 'protobufjs/light';
import { descriptor } from './descriptor';
import { FrameError } from './errors';
import type { ClientFrame, ServerFrame } from './types';
import { checkClientFrame, checkServerFrame } from './validate';
import { checkWireTypes } from './wire';

const root = protobuf.Root.fromJSON(descriptor);
const ClientFrameType = root.lookupType('slab.v1.ClientFrame');
const ServerFrameType = root.lookupType('slab.v1.ServerFrame');
const LiveUpdateType = root.lookupType('slab.v1.LiveUpdate');

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true, oneofs: true };

type Plain = Record<string, unknown>;

/** Tagged union -> protobufjs object ({ kind: 'ack', ack } -> { ack }). */
function oneofToProto(value: { kind: string } & Plain): Plain {
  const { kind, ...rest } = value;
  return { ...rest, [kind]: value[kind] };
}

/** protobufjs object with a virtual oneof field `body` -> tagged union. */
function oneofFromProto(obj: Plain, path: string, cases: string): Plain {
  const kind = obj.body;
  if (typeof kind !== 'string') throw new FrameError(`${path}.body: expected one of ${cases} to be set`);
  const out: Plain = { kind, [kind]: obj[kind] };
  for (const [key, val] of Object.entries(obj)) {
    if (key !== 'body' && !(key in out) && typeof val !== 'object') out[key] = val;
  }
  return out;
}

function decodeWith(type: protobuf.Type, bytes: Uint8Array): Plain {
  if (!(bytes instanceof Uint8Array)) throw new FrameError(`${type.name}: expected binary data (Uint8Array)`);
  if (bytes.length === 0) throw new FrameError(`${type.name}: empty buffer`);
  try {
    checkWireTypes(type, bytes);
    return type.toObject(type.decode(bytes), TO_OBJECT) as Plain;
  } catch (err) {
    if (err instanceof FrameError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const hint = /index out of range/.test(message) ? 'truncated or malformed buffer' : message;
    throw new FrameError(`${type.name}: ${hint}`);
  }
}

function encodeWith(type: protobuf.Type, obj: Plain): Uint8Array {
  try {
    return type.encode(type.fromObject(obj)).finish();
  } catch (err) {
    throw new FrameError(`${type.name}: cannot encode: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * proto3 has no "absent": an unset attempt decodes as 0 and an unset string as ''. Optional fields
 * at their default are dropped, so a decoded frame equals the one that was encoded.
 */
function dropDefaults(obj: Plain | undefined, keys: string[]): void {
  if (!obj) return;
  for (const key of keys) if (obj[key] === 0 || obj[key] === '') delete obj[key];
}

export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  checkClientFrame(frame);
  return encodeWith(ClientFrameType, oneofToProto(frame as unknown as { kind: string } & Plain));
}

export function decodeClientFrame(bytes: Uint8Array): ClientFrame {
  const obj = decodeWith(ClientFrameType, bytes);
  const plain = oneofFromProto(obj, 'ClientFrame', 'hello, metrics, event, subscribe, open');
  if (plain.kind === 'metrics' || plain.kind === 'event' || plain.kind === 'open') dropDefaults(plain[plain.kind] as Plain, ['attempt']);
  const frame = plain as unknown as ClientFrame;
  checkClientFrame(frame);
  return frame;
}

export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  checkServerFrame(frame);
  const obj = oneofToProto(frame as unknown as { kind: string } & Plain);
  if (frame.kind === 'update') obj.update = oneofToProto(frame.update as unknown as { kind: string } & Plain);
  return encodeWith(ServerFrameType, obj);
}

export function decodeServerFrame(bytes: Uint8Array): ServerFrame {
  const obj = decodeWith(ServerFrameType, bytes);
  const frame = oneofFromProto(obj, 'ServerFrame', 'ack, update, error');
  if (frame.kind === 'update') {
    const update = frame.update as Plain;
    const inner = oneofFromProto(update, 'ServerFrame.update', 'metrics, event, fitJson, sweepJson');
    frame.update = { sweepId: update.sweepId, ...inner };
    if (inner.kind === 'metrics' || inner.kind === 'event') dropDefaults(inner[inner.kind] as Plain, ['attempt']);
  }
  if (frame.kind === 'error') dropDefaults(frame.error as Plain, ['trialId', 'code', 'attempt']);
  const typed = frame as unknown as ServerFrame;
  checkServerFrame(typed);
  return typed;
}

/** Exposed for tests and tools that need the raw protobufjs types. */
export const protoTypes = { ClientFrame: ClientFrameType, ServerFrame: ServerFrameType, LiveUpdate: LiveUpdateType };
