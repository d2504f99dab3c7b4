import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../domain/errors';

/** Chunks as bytes: readers scan bytes so multi-byte characters may straddle chunks. */
export async function* bytesOf(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk);
    else throw new InputError(`input stream gave a ${typeof chunk} chunk; expected bytes or text`);
  }
}

/** Opens a file for streaming, with messages that say what to do when it cannot be read. */
export async function openFile(path: string): Promise<AsyncIterable<Buffer>> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT'
        ? 'no such file (check the path)'
        : code === 'EACCES'
          ? 'permission denied (check the file permissions)'
          : `cannot read it (${code ?? String(error)})`;
    throw new InputError(`${path}: ${what}`, { cause: error });
  }
  if (info.isDirectory()) throw new InputError(`${path}: is a directory (pass a file)`);
  return createReadStream(path);
}

/** A read failure in the middle of a file (EIO, EACCES) as an InputError; other errors as they are. */
export function asInputError(label: string, error: unknown): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_')) {
    return new InputError(`${label}: cannot read it (${code})`, { cause: error });
  }
  return error;
}
