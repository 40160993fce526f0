/**
 * CRC-32 (IEEE 802.3, the polynomial zip and PNG use), in plain TypeScript so it runs in browsers
 * as well as Node. It detects every single-bit error and every burst up to 32 bits: enough to
 * reject a corrupted checkpoint, not a defence against deliberate tampering.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC-32 over more bytes; start with `crc32(bytes)` and chain `crc32(more, crc)`. @internal */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
