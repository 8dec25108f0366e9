/**
 * What a summary says a class inherits, checked against the class's declaration. Of source code the model
 * writes "Class SigmaY inherits SigmaZ class." (both are declared `class SigmaY(SigmaOpBase)` and
 * `class SigmaZ(SigmaOpBase)`) and "Class AsyncAcquireSoftReadWriteReturnProxy extends
 * AsyncAcquireSoftReadWriteReturnProxy.": every word is the document's, and no test of proximity sees that
 * the relation is false. A declaration says it: the names in its header (Python's parentheses, `extends` and
 * `implements`, C#'s and C++'s colon, Ruby's `<`) are what a class can inherit.
 * - A class said to inherit itself is wrong whatever the document.
 * - A class the document declares, said to inherit a class the document knows (declared, or named in a
 *   header) that its own header does not name, is wrong.
 * Anything else (a class the document does not declare, a base it never names) is left be.
 * Twin of training/steer_train/grounding/inheritance.py; both run the golden cases in rules/relation-cases.json.
 */

/** A declaration's name, after class, struct, interface or trait. */
const DECLARATION = /\b(?:class|struct|interface|trait)\s+([A-Za-z_$][A-Za-z0-9_$]*)/gu;

/** Words of a header that name no class. */
const HEADER_WORDS: ReadonlySet<string> = new Set([
  'extends',
  'implements',
  'public',
  'private',
  'protected',
  'virtual',
  'internal',
  'sealed',
  'abstract',
  'final',
  'where',
  'with',
  'metaclass',
]);

/** The longest header read after a declared name. */
const MAX_HEADER = 300;

/** "X inherits (from) Y", "X extends Y", "X is a subclass of Y", with "class" around either name. */
const CLAIM = new RegExp(
  String.raw`([A-Za-z_$][A-Za-z0-9_$.]*)\s+(?:class\s+)?(?:inherits(?:\s+from)?|extends|subclasses|derives\s+from|is\s+an?\s+(?:subclass|child\s+class)\s+of)\s+(?:the\s+|an?\s+)?(?:(?:base\s+|parent\s+)?class\s+)?([A-Za-z_$][A-Za-z0-9_$.]*)`,
  'gu',
);

/** Each class a document declares, with the names its declarations' headers give (bases, interfaces). */
export type ClassHeaders = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The header after a declared name: up to `{` or `;`, a colon that ends its line (Python), or the line's end
 * outside brackets; at most `MAX_HEADER` characters.
 */
function headerAfter(text: string, from: number): string {
  const end = Math.min(text.length, from + MAX_HEADER);
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = text[i]!;
    if (c === '(' || c === '<' || c === '[') depth++;
    else if (c === ')' || c === '>' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === '{' || c === ';') return text.slice(from, i);
    else if (c === ':' && depth === 0 && /^[ \t]*(?:#[^\n]*)?(?:\n|$)/u.test(text.slice(i + 1, i + 120)))
      return text.slice(from, i);
    else if (c === '\n' && depth === 0) return text.slice(from, i);
  }
  return text.slice(from, end);
}

export function classHeaders(document: string): ClassHeaders {
  const out = new Map<string, Set<string>>();
  for (const m of document.matchAll(DECLARATION)) {
    const header = headerAfter(document, m.index + m[0].length);
    const names = (header.match(/[A-Za-z_$][A-Za-z0-9_$]*/gu) ?? []).filter((w) => !HEADER_WORDS.has(w));
    const own = out.get(m[1]!) ?? new Set<string>();
    names.forEach((n) => own.add(n));
    out.set(m[1]!, own);
  }
  return out;
}

/** A name that is an identifier rather than a word: a capital, digit or underscore after a first capital, or an underscore. */
const IDENTIFIER_LOOK = /^[A-Z].*[A-Z_0-9]|_/u;

/** A dotted name's last part, without a sentence's full stop: "module.Base." → "Base". */
const lastPart = (name: string): string => name.replace(/\.+$/u, '').split('.').at(-1) ?? '';

/** The first inheritance `sentence` states that the declarations contradict, as "A inherits B", or null. */
export function misstatedInheritance(sentence: string, classes: ClassHeaders): string | null {
  const known = (name: string): boolean =>
    classes.has(name) || [...classes.values()].some((header) => header.has(name));
  for (const m of sentence.matchAll(CLAIM)) {
    const [a, b] = [lastPart(m[1]!), lastPart(m[2]!)];
    if (!a || !b) continue;
    // a class of its own: a capital or an underscore past the first letter says it is an identifier
    if (a === b && (classes.has(a) || IDENTIFIER_LOOK.test(a))) return `${a} inherits ${b}`;
    const header = classes.get(a);
    if (header && a !== b && known(b) && !header.has(b)) return `${a} inherits ${b}`;
  }
  return null;
}
