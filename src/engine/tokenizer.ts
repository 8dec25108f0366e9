/**
 * The model's tokenizer: `@huggingface/tokenizers` on the model directory's tokenizer.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { BadManifest, ModelNotFound, errorMessage } from './errors';
import { modelFile, type Manifest } from './manifest';

export interface TextTokenizer {
  /** Token ids of `text`; the manifest's BOS (if any) is prepended when `withBos`. No other special tokens are added. */
  encode(text: string, withBos?: boolean): number[];
  /** Text of `ids`; special tokens are skipped unless `skipSpecial` is false. */
  decode(ids: readonly number[], skipSpecial?: boolean): string;
}

function readJson(file: string, what: string): object {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelNotFound(
      `${what} ${file} is missing or unreadable (${errorMessage(e)}); rebuild the model with "npm run setup".`,
      {
        cause: e,
      },
    );
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) throw new Error('not a JSON object');
    return json;
  } catch (e) {
    throw new BadManifest(`${what} ${file} is not valid JSON (${errorMessage(e)}).`, { cause: e });
  }
}

/** Loads `<dir>/<manifest.tokenizer>` and, when present, `tokenizer_config.json` next to it. */
export function loadTokenizer(dir: string, manifest: Manifest): TextTokenizer {
  const tokenizerJson = readJson(modelFile(dir, manifest.tokenizer, 'tokenizer'), 'The tokenizer');
  const configFile = join(dir, 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJson(configFile, 'The tokenizer config') : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (e) {
    throw new BadManifest(`The tokenizer in ${dir} could not be loaded: ${errorMessage(e)}`, { cause: e });
  }
  const bos = manifest.specialTokens.bos;
  return {
    encode(text: string, withBos = true): number[] {
      const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
      return withBos && bos !== null && ids[0] !== bos ? [bos, ...ids] : ids;
    },
    decode(ids: readonly number[], skipSpecial = true): string {
      // the library throws on no ids; a row that ended at its first step has none
      if (ids.length === 0) return '';
      return tokenizer.decode([...ids], {
        skip_special_tokens: skipSpecial,
        clean_up_tokenization_spaces: false,
      });
    },
  };
}

/**
 * Turns a growing list of generated ids into text deltas for streaming. Text that ends in an
 * incomplete UTF-8 sequence (U+FFFD) is held back until the next token completes it.
 */
export class TextStreamer {
  private ids: number[] = [];
  private emitted = 0;

  constructor(private readonly tokenizer: TextTokenizer) {}

  /** Adds one token; returns the new text (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const text = this.tokenizer.decode(this.ids);
    if (text.endsWith('\uFFFD')) return '';
    const delta = text.slice(this.emitted);
    this.emitted = text.length;
    return delta;
  }

  /** The remaining text once generation has ended. */
  flush(): string {
    const text = this.tokenizer.decode(this.ids);
    const delta = text.slice(this.emitted);
    this.emitted = text.length;
    return delta;
  }
}
