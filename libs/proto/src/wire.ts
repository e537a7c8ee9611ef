/**
 * Wire-type check run before protobufjs decodes a buffer. protobufjs's decoders read a known field
 * with whatever reader its schema type implies, whatever the wire type on the wire says, so a
 * mismatched frame can decode into garbage instead of failing. This walks the buffer against the
 * schema and rejects any known field whose wire type does not match.
 */
import protobuf from 'protobufjs';
import { FrameError } from './errors';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const SCALAR_WIRE: Record<string, number> = {
  double: FIXED64, fixed64: FIXED64, sfixed64: FIXED64,
  float: FIXED32, fixed32: FIXED32, sfixed32: FIXED32,
  int32: VARINT, uint32: VARINT, sint32: VARINT, int64: VARINT, uint64: VARINT, sint64: VARINT, bool: VARINT,
  string: LENGTH_DELIMITED, bytes: LENGTH_DELIMITED,
};

function expectedWireType(field: protobuf.Field): number {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) return LENGTH_DELIMITED;
  if (resolved instanceof protobuf.Enum) return VARINT;
  const wire = SCALAR_WIRE[field.type];
  if (wire === undefined) throw new FrameError(`schema: unsupported field type ${field.type}`);
  return wire;
}

/** Throws FrameError naming the path of the first field whose wire type does not match `type`. */
export function checkWireTypes(type: protobuf.Type, bytes: Uint8Array, path: string = type.name): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const fieldId = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[fieldId];
    if (!field) {
      reader.skipType(wireType); // unknown fields are allowed (forward compatibility)
      continue;
    }
    const fieldPath = `${path}.${field.name}`;
    const expected = expectedWireType(field);
    const packed = field.repeated && expected !== LENGTH_DELIMITED && wireType === LENGTH_DELIMITED;
    if (wireType !== expected && !packed) {
      throw new FrameError(`${fieldPath}: wrong wire type ${wireType}, expected ${expected}`);
    }
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      const length = reader.uint32();
      if (reader.pos + length > reader.len) throw new FrameError(`${fieldPath}: truncated`);
      checkWireTypes(resolved, bytes.subarray(reader.pos, reader.pos + length), fieldPath);
      reader.pos += length;
    } else {
      reader.skipType(wireType);
    }
  }
}
