// The few protocol-buffer encodings an ONNX model needs (onnx-model.ts), written by hand so the
// bench builds its models without a protobuf library or a generated schema.
// Wire format: https://protobuf.dev/programming-guides/encoding/ — a field is a varint key
// (field number << 3 | wire type) followed by its value.

/** Wire types used here: varint (ints, enums), 32-bit (float), length-delimited (strings, bytes, messages). */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Bytes of an unsigned varint: 7 bits a byte, least significant first, high bit set on all but the last. */
export function varint(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`protobuf varint: expected a non-negative safe integer, got ${value}`);
  const bytes: number[] = [];
  let rest = value;
  // Arithmetic, not bit operators: those would cut values above 2^31.
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/**
 * One message being written: call a method per field, in any order, then {@link Message.encode}.
 * Repeated fields are written by calling the method once per element (unpacked, as proto2 does).
 */
export class Message {
  private readonly chunks: (number[] | Uint8Array)[] = [];
  private length = 0;

  private push(chunk: number[] | Uint8Array): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }

  private key(field: number, wireType: number): this {
    return this.push(varint(field * 8 + wireType));
  }

  /** An int32, int64 or enum field (non-negative values only: ONNX models here need no others). */
  int(field: number, value: number): this {
    return this.key(field, VARINT).push(varint(value));
  }

  /** A float field: 4 bytes, IEEE 754, little-endian. */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.key(field, FIXED32).push(bytes);
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    return this.key(field, LENGTH_DELIMITED).push(varint(value.length)).push(value);
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: Message): this {
    return this.bytes(field, value.encode());
  }

  /** The encoded message. */
  encode(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
