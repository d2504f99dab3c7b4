import { InputError } from '../domain/errors';

/** One top-level array element as raw JSON text, with where it started (for error messages). */
export interface ScannedElement {
  text: string;
  line: number;
  offset: number;
}

/** A single app row is small; anything larger is a wrongly shaped file, not a row to buffer. */
export const MAX_ELEMENT_BYTES = 1024 * 1024;

type State =
  | 'start'
  | 'array-first'
  | 'array-next'
  | 'array-after'
  | 'wrapper-key-first'
  | 'wrapper-key-next'
  | 'wrapper-colon'
  | 'wrapper-value'
  | 'wrapper-after'
  | 'done';

type Capture = 'element' | 'key' | 'skip';

const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Incremental JSON scanner that yields the elements of the top-level array, or of the `apps`
 * array of a top-level object, one by one, without holding the document. It works on bytes:
 * every structural character is ASCII and UTF-8 never reuses ASCII bytes inside a multi-byte
 * character, so chunk boundaries can fall anywhere. Elements are checked by JSON.parse later.
 */
export class JsonArrayScanner {
  private state: State = 'start';
  private consumed = 0; // bytes before the current chunk
  private line = 1;
  private lineStart = 0; // absolute offset of the current line's first byte
  private inWrapper = false;
  private sawApps = false;
  private key = '';
  // The value being captured.
  private capture: Capture | undefined;
  private kind: 'string' | 'container' | 'primitive' = 'string';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private size = 0;
  private startLine = 0;
  private startOffset = 0;
  private bomSeen = 0;
  private chunkStart = -1; // index in the current chunk where the capture began, -1 if earlier

  constructor(private readonly label: string) {}

  /** Feeds the next chunk; returns the elements it completed. */
  push(chunk: Buffer): ScannedElement[] {
    const out: ScannedElement[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.capture !== undefined) {
        i = this.continueCapture(chunk, i, out);
        continue;
      }
      const b = chunk[i] as number;
      const abs = this.consumed + i;
      if (this.state === 'start' && abs < BOM.length && b === BOM[abs] && abs === this.bomSeen) {
        this.bomSeen += 1;
        i += 1;
        continue;
      }
      if (isSpace(b)) {
        if (b === NEWLINE) this.newline(abs);
        i += 1;
        continue;
      }
      this.structural(b, i);
      i += 1;
    }
    if (this.capture !== undefined) this.keep(chunk.subarray(this.captureFrom()));
    this.consumed += chunk.length;
    this.chunkStart = -1;
    return out;
  }

  /** Call after the last chunk: throws if the document stopped half-way. */
  end(): void {
    if (this.state !== 'done' || this.capture !== undefined) {
      const what = this.state === 'start' ? 'the input is empty' : 'the document ends early';
      this.fail(this.consumed, `${what} (expected a complete JSON array or { "apps": [...] })`);
    }
  }

  private structural(b: number, i: number): void {
    const abs = this.consumed + i;
    const char = String.fromCharCode(b);
    switch (this.state) {
      case 'start':
        if (b === 0x5b) this.state = 'array-first';
        else if (b === 0x7b) {
          this.state = 'wrapper-key-first';
          this.inWrapper = true;
        } else this.fail(abs, `expected \`[\` or \`{\` at the start, found \`${char}\``);
        return;
      case 'array-first':
      case 'array-next':
        if (b === 0x5d && this.state === 'array-first') return this.arrayEnd();
        if (b === 0x5d) this.fail(abs, 'a `,` is followed by `]` (remove the trailing comma)');
        return this.beginCapture('element', b, i);
      case 'array-after':
        if (b === 0x2c) this.state = 'array-next';
        else if (b === 0x5d) this.arrayEnd();
        else this.fail(abs, `expected \`,\` or \`]\` after an element, found \`${char}\``);
        return;
      case 'wrapper-key-first':
      case 'wrapper-key-next':
        if (b === QUOTE) return this.beginCapture('key', b, i);
        if (b === 0x7d && this.state === 'wrapper-key-first') return this.wrapperEnd(abs);
        this.fail(abs, `expected a quoted key, found \`${char}\``);
        return;
      case 'wrapper-colon':
        if (b === 0x3a) this.state = 'wrapper-value';
        else this.fail(abs, `expected \`:\` after the key, found \`${char}\``);
        return;
      case 'wrapper-value':
        if (this.key === 'apps' && !this.sawApps) {
          if (b !== 0x5b) this.fail(abs, '`apps` must be an array');
          this.sawApps = true;
          this.state = 'array-first';
          return;
        }
        return this.beginCapture('skip', b, i);
      case 'wrapper-after':
        if (b === 0x2c) this.state = 'wrapper-key-next';
        else if (b === 0x7d) this.wrapperEnd(abs);
        else this.fail(abs, `expected \`,\` or \`}\`, found \`${char}\``);
        return;
      case 'done':
        this.fail(abs, `unexpected \`${char}\` after the end of the document`);
    }
  }

  private arrayEnd(): void {
    this.state = this.inWrapper ? 'wrapper-after' : 'done';
  }

  private wrapperEnd(abs: number): void {
    if (!this.sawApps) this.fail(abs, 'the object has no `apps` array');
    this.state = 'done';
  }

  private beginCapture(capture: Capture, b: number, i: number): void {
    const abs = this.consumed + i;
    if (b === QUOTE) this.kind = 'string';
    else if (b === 0x7b || b === 0x5b) this.kind = 'container';
    else if (b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e) {
      this.kind = 'primitive';
    } else this.fail(abs, `unexpected \`${String.fromCharCode(b)}\` where a value should start`);
    this.capture = capture;
    this.depth = this.kind === 'container' ? 1 : 0;
    this.inString = this.kind === 'string';
    this.escaped = false;
    this.parts = [];
    this.size = 0;
    this.startLine = this.line;
    this.startOffset = abs;
    // The opening byte is kept; scanning resumes after it (it can never close the value).
    this.chunkStart = i;
  }

  /** Scans the value being captured from `i`; returns where scanning should continue. */
  private continueCapture(chunk: Buffer, i: number, out: ScannedElement[]): number {
    for (; i < chunk.length; i += 1) {
      const b = chunk[i] as number;
      if (this.kind === 'primitive') {
        if (isSpace(b) || b === 0x2c || b === 0x5d || b === 0x7d) {
          this.finishCapture(chunk, i, out);
          return i; // the terminator belongs to the structure around the value
        }
        continue;
      }
      if (b === NEWLINE) this.newline(this.consumed + i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') {
            this.finishCapture(chunk, i + 1, out);
            return i + 1;
          }
        }
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth += 1;
      else if (b === 0x7d || b === 0x5d) {
        this.depth -= 1;
        if (this.depth === 0) {
          this.finishCapture(chunk, i + 1, out);
          return i + 1;
        }
      }
    }
    return i;
  }

  private finishCapture(chunk: Buffer, end: number, out: ScannedElement[]): void {
    const capture = this.capture;
    const from = this.captureFrom();
    this.chunkStart = -1;
    if (capture === 'skip') {
      this.capture = undefined;
      this.state = 'wrapper-after';
      return;
    }
    let text: string;
    if (this.parts.length === 0) {
      // The usual case: the whole value sits in this chunk, so decode it without copying.
      this.size = end - from;
      this.checkSize();
      text = chunk.toString('utf8', from, end);
    } else {
      this.keep(chunk.subarray(from, end));
      text = Buffer.concat(this.parts, this.size).toString('utf8');
      this.parts = [];
    }
    this.capture = undefined;
    if (capture === 'key') {
      this.key = this.parseKey(text);
      this.state = 'wrapper-colon';
      return;
    }
    out.push({ text, line: this.startLine, offset: this.startOffset });
    this.state = 'array-after';
  }

  private parseKey(text: string): string {
    try {
      return JSON.parse(text) as string;
    } catch {
      return this.fail(this.startOffset, `the key ${text.slice(0, 40)} is not a valid JSON string`);
    }
  }

  private captureFrom(): number {
    return this.chunkStart === -1 ? 0 : this.chunkStart;
  }

  /** Keeps captured bytes (copied: a stream may reuse its chunk), except for skipped values. */
  private keep(bytes: Buffer): void {
    if (this.capture === 'skip') return;
    this.size += bytes.length;
    this.checkSize();
    this.parts.push(Buffer.from(bytes));
  }

  private checkSize(): void {
    if (this.size > MAX_ELEMENT_BYTES) {
      throw new InputError(
        `${this.label}: the JSON element starting at line ${this.startLine} (byte ${this.startOffset}) ` +
          `is larger than ${MAX_ELEMENT_BYTES} bytes; expected app names or small objects`,
      );
    }
  }

  private newline(abs: number): void {
    this.line += 1;
    this.lineStart = abs + 1;
  }

  private fail(abs: number, what: string): never {
    const column = abs - this.lineStart + 1;
    throw new InputError(
      `${this.label}: invalid JSON at line ${this.line}, column ${column} (byte ${abs}): ${what}. ` +
        'Expected an array of names or objects, or { "apps": [...] }; fix the file or pass --format',
    );
  }
}
