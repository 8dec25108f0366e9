/**
 * Reading the document: a file, or stdin for "-" (or a pipe when no file is given).
 */
import { readFileSync, statSync } from 'node:fs';
import { InputTooLarge, UnreadableInput, errorMessage } from '../engine/errors';
import { decodeText } from '../engine/text';
import { UsageError } from './args';

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : part);
  return Buffer.concat(parts);
}

export async function readInput(
  path: string | null,
  stdin: NodeJS.ReadStream & { isTTY?: boolean } = process.stdin,
): Promise<string> {
  if (path === null || path === '-') {
    if (path === null && stdin.isTTY)
      throw new UsageError('Give a FILE to summarize, or pipe text into "steer summarize -".');
    return decodeText(await readStdin(stdin), 'The standard input');
  }
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UnreadableInput(`${path} is a directory, not a text file.`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UnreadableInput) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : errorMessage(e);
    throw new UnreadableInput(`Cannot read ${path}: ${why}.`, { cause: e });
  }
  return decodeText(bytes, path);
}

/** The engine refuses a document of more characters than this many per allowed token before tokenizing. */
export const CHARS_PER_TOKEN_BOUND = 32;

/**
 * The engine's size check, made before the model is loaded: a document that is certainly too long fails
 * at once instead of after seconds of loading.
 */
export function checkInputSize(text: string, maxInputTokens: number): void {
  if (text.length > maxInputTokens * CHARS_PER_TOKEN_BOUND)
    throw new InputTooLarge(text.length, maxInputTokens, 'characters');
}
