import { createHash } from 'node:crypto';

const DIGEST_BYTES = 16;
const SLOT_BYTES = DIGEST_BYTES + 4; // digest + first line (uint32; 0 marks an empty slot)
const MAX_LOAD = 0.6;

/**
 * Remembers which (tenant, app name) pairs were seen and on which line, in ~35 bytes per pair:
 * an open-addressing table of 16-byte SHA-1 prefixes in one buffer, not a Map of strings
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
    const digest = createHash('sha1').update(tenant).update('\0').update(appName).digest();
    const found = this.find(digest);
    if (found.line !== 0) return found.line;
    this.table.set(digest.subarray(0, DIGEST_BYTES), found.offset);
    this.table.writeUInt32LE(line, found.offset + DIGEST_BYTES);
    this.count += 1;
    if (this.count > this.capacity * MAX_LOAD) this.grow();
    return undefined;
  }

  /** The slot holding `digest`, or the empty slot where it belongs (line 0). */
  private find(digest: Buffer): { offset: number; line: number } {
    const mask = this.capacity - 1;
    let slot = digest.readUInt32LE(0) & mask;
    for (;;) {
      const offset = slot * SLOT_BYTES;
      const line = this.table.readUInt32LE(offset + DIGEST_BYTES);
      if (
        line === 0 ||
        this.table.compare(digest, 0, DIGEST_BYTES, offset, offset + DIGEST_BYTES) === 0
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
    for (let slot = 0; slot < oldCapacity; slot += 1) {
      const offset = slot * SLOT_BYTES;
      const line = old.readUInt32LE(offset + DIGEST_BYTES);
      if (line === 0) continue;
      const digest = old.subarray(offset, offset + DIGEST_BYTES);
      const target = this.find(digest);
      old.copy(this.table, target.offset, offset, offset + SLOT_BYTES);
    }
  }
}
