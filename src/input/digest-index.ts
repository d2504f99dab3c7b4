import * as crypto from 'node:crypto';

// 8 bytes of SHA-1: two distinct pairs collide with odds of about n²/2⁶⁵ (3·10⁻⁸ at 1,000,000
// rows); 16 bytes would cost 60 % more memory for no practical gain.
const DIGEST_BYTES = 8;
const SLOT_BYTES = DIGEST_BYTES + 4; // digest + first line (uint32; 0 marks an empty slot)
const MAX_LOAD = 0.7;

/** SHA-1 as a 20-char binary string; the one-shot `crypto.hash` (Node ≥ 20.12) is ~8× faster. */
const sha1: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'binary')
    : (data) => crypto.createHash('sha1').update(data).digest('binary');

/**
 * Remembers which (tenant, app name) pairs were seen and on which line, in ~25 bytes per pair:
 * an open-addressing table of 8-byte SHA-1 prefixes in one buffer, not a Map of strings
 * (1,000,000 rows must fit in a small heap).
 */
export class DigestIndex {
  private table: Buffer;
  private capacity: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.table = Buffer.alloc(this.capacity * SLOT_BYTES);
  }

  get size(): number {
    return this.count;
  }

  /** Records the pair at `line` unless seen before; returns the first line when it was. */
  firstLineOrAdd(tenant: string, appName: string, line: number): number | undefined {
    const digest = Buffer.from(sha1(`${tenant}\0${appName}`).slice(0, DIGEST_BYTES), 'latin1');
    const found = this.find(this.table, this.capacity, digest, 0);
    if (found.line !== 0) return found.line;
    digest.copy(this.table, found.offset);
    this.table.writeUInt32LE(line, found.offset + DIGEST_BYTES);
    this.count += 1;
    if (this.count > this.capacity * MAX_LOAD) this.grow();
    return undefined;
  }

  /** The slot holding the digest at `from` in `source`, or the empty slot where it belongs. */
  private find(
    table: Buffer,
    capacity: number,
    source: Buffer,
    from: number,
  ): { offset: number; line: number } {
    const mask = capacity - 1;
    let slot = source.readUInt32LE(from) & mask;
    for (;;) {
      const offset = slot * SLOT_BYTES;
      const line = table.readUInt32LE(offset + DIGEST_BYTES);
      if (
        line === 0 ||
        table.compare(source, from, from + DIGEST_BYTES, offset, offset + DIGEST_BYTES) === 0
      ) {
        return { offset, line };
      }
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.table = Buffer.alloc(this.capacity * SLOT_BYTES);
    for (let offset = 0; offset < oldCapacity * SLOT_BYTES; offset += SLOT_BYTES) {
      if (old.readUInt32LE(offset + DIGEST_BYTES) === 0) continue;
      const target = this.find(this.table, this.capacity, old, offset);
      old.copy(this.table, target.offset, offset, offset + SLOT_BYTES);
    }
  }
}
