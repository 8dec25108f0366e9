/**
 * Quantities and their units: a summary that writes a number of the document with another unit than the
 * document gives it ("The farm covers 40 acres." for "will cover 40 hectares") states what the text does not
 * say, though every term in it is the document's.
 */
import { normalizeNumber } from './terms';
import { beforeFirstSentence } from './usability';

/** Units of measure and money whose confusion changes a fact (plural and singular forms). */
const UNITS = new Map<string, string>(
  [
    ['acre', 'acres'],
    ['hectare', 'hectares'],
    ['mile', 'miles'],
    ['kilometre', 'kilometres', 'kilometer', 'kilometers', 'km'],
    ['metre', 'metres', 'meter', 'meters'],
    ['foot', 'feet'],
    ['inch', 'inches'],
    ['kilogram', 'kilograms', 'kg'],
    ['pound', 'pounds'],
    ['tonne', 'tonnes', 'ton', 'tons'],
    ['litre', 'litres', 'liter', 'liters'],
    ['gallon', 'gallons'],
    ['euro', 'euros'],
    ['dollar', 'dollars'],
    ['percent', '%'],
    ['degree', 'degrees'],
    ['megawatt', 'megawatts', 'mw'],
    ['kilowatt', 'kilowatts', 'kw'],
  ].flatMap((forms) => forms.map((f): [string, string] => [f, forms[0]!])),
);

/** A number, an optional scale word, and the word after them ("40 hectares", "38 million euros", "3.5%"). */
const QUANTITY =
  /(?<![\p{L}\p{N}.,])(\d[\d,]*(?:\.\d+)?)\s*(?:(?:thousand|million|billion)\s+)?(%|[\p{L}]+)/giu;

/** Each number of `text` with the units written right after it, by the number's plain form. */
export function quantityUnits(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of text.matchAll(QUANTITY)) {
    const unit = UNITS.get(m[2]!.toLowerCase());
    if (unit === undefined) continue;
    const n = normalizeNumber(m[1]!);
    out.set(n, (out.get(n) ?? new Set()).add(unit));
  }
  return out;
}

/** Whether `text` gives one of the document's numbers a unit the document never gives it. */
export function misstatesUnit(text: string, document: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  for (const [n, units] of quantityUnits(text)) {
    const known = document.get(n);
    if (known && [...units].some((u) => !known.has(u))) return true;
  }
  return false;
}

/** `text` cut before its first sentence that misstates a unit, or '' when the first one does. */
export function beforeFirstMisstated(
  text: string,
  document: ReadonlyMap<string, ReadonlySet<string>>,
): string {
  return beforeFirstSentence(text, (sentence) => misstatesUnit(sentence, document));
}
