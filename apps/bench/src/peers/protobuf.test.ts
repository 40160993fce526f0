import { describe, expect, it } from 'vitest';
import { Message, varint } from './protobuf.js';

// Expected bytes from the protobuf encoding guide (protobuf.dev/programming-guides/encoding/).
describe('protobuf writer', () => {
  it('writes varints seven bits a byte, least significant first', () => {
    expect(varint(0)).toEqual([0]);
    expect(varint(1)).toEqual([1]);
    expect(varint(150)).toEqual([0x96, 0x01]);
    expect(varint(300)).toEqual([0xac, 0x02]);
    // Past 2^31, where bit operators would wrap: 2^35 = 0x8_0000_0000.
    expect(varint(2 ** 35)).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it('rejects negative, fractional and unsafe varints', () => {
    expect(() => varint(-1)).toThrow(RangeError);
    expect(() => varint(1.5)).toThrow(RangeError);
    expect(() => varint(2 ** 53)).toThrow(RangeError);
  });

  it('writes the guide examples: an int field and a string field', () => {
    expect([...new Message().int(1, 150).encode()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new Message().string(2, 'testing').encode()]).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
  });

  it('writes a float as fixed32 little-endian and a message as length-delimited bytes', () => {
    // 1.0f = 0x3f800000; key (1 << 3 | 5) = 0x0d.
    expect([...new Message().float(1, 1).encode()]).toEqual([0x0d, 0x00, 0x00, 0x80, 0x3f]);
    // The guide's embedded message: field 3 holding {1: 150} is 1a 03 08 96 01.
    const inner = new Message().int(1, 150);
    expect([...new Message().message(3, inner).encode()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('writes a repeated field as one key and value per element, in call order', () => {
    const m = new Message()
      .int(8, 1)
      .int(8, 300)
      .bytes(9, new Uint8Array([7, 8]));
    expect([...m.encode()]).toEqual([0x40, 0x01, 0x40, 0xac, 0x02, 0x4a, 0x02, 7, 8]);
  });
});
