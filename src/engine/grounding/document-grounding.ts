/** The text of each token id, decoded once per tokenizer, for the grounded-decoding checks. */
import type { PieceTable } from '../generation/grounded-decoding';
import type { TextTokenizer } from '../tokenizer';

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
    };
    tables.set(tokenizer, table);
  }
  return table;
}
