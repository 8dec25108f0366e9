/** Grounded decoding's view of one document: its terms and the text of each token id (decoded once per tokenizer). */
import type { Grounding } from '../generation/config';
import type { PieceTable } from '../generation/grounded-decoding';
import type { TextTokenizer } from '../tokenizer';
import { Continuation } from './continuation';
import { documentWording } from './document-wording';
import { DocumentTerms, defaultLexicon } from './terms';

const tables = new WeakMap<TextTokenizer, PieceTable>();

export function pieceTable(tokenizer: TextTokenizer): PieceTable {
  let table = tables.get(tokenizer);
  if (!table) {
    const cache = new Map<number, string>();
    table = {
      piece(id: number): string {
        let p = cache.get(id);
        if (p === undefined) {
          p = tokenizer.decode([id]);
          cache.set(id, p);
        }
        return p;
      },
      text: (ids) => (ids.length === 0 ? '' : tokenizer.decode(ids)),
      encode: (text) => tokenizer.encode(text, false),
    };
    tables.set(tokenizer, table);
  }
  return table;
}

/**
 * What grounded decoding checks a summary of `document` against; with `wording` 'document', lower-case words
 * only from the document's wording (document-wording.ts).
 */
export function documentGrounding(
  tokenizer: TextTokenizer,
  document: string,
  wording: 'open' | 'document' = 'open',
): Grounding {
  const terms =
    wording === 'document'
      ? new DocumentTerms(document, defaultLexicon(), documentWording(document))
      : new DocumentTerms(document);
  return { continuation: new Continuation(terms), pieces: pieceTable(tokenizer) };
}
