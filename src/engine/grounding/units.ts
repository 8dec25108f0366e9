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
    ['pound', 'pounds', 'gbp'],
    ['tonne', 'tonnes', 'ton', 'tons'],
    ['litre', 'litres', 'liter', 'liters'],
    ['gallon', 'gallons'],
    ['euro', 'euros', 'eur'],
    ['dollar', 'dollars', 'usd'],
    ['yen', 'jpy'],
    ['percent', '%'],
    ['degree', 'degrees'],
    ['megawatt', 'megawatts', 'mw'],
    ['kilowatt', 'kilowatts', 'kw'],
  ].flatMap((forms) => forms.map((f): [string, string] => [f, forms[0]!])),
);

/** A number, an optional scale word, and the word after them ("40 hectares", "38 million euros", "3.5%"). */
const QUANTITY =
  /(?<![\p{L}\p{N}.,])(\d[\d,]*(?:\.\d+)?)\s*(?:(?:thousand|million|billion)\s+)?(%|[\p{L}]+)/giu;
/** A currency sign before a number ("$1.13bn", "€ 38 million", "k$270"). */
const PRICE = /([$€£¥])\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)/gu;
const CURRENCY_SIGNS = new Map([
  ['$', 'dollar'],
  ['€', 'euro'],
  ['£', 'pound'],
  ['¥', 'yen'],
]);
const CURRENCIES: ReadonlySet<string> = new Set(CURRENCY_SIGNS.values());

/** Each number of `text` with the units written right after it or the currency sign before it, by its plain form. */
export function quantityUnits(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (number: string, unit: string): void => {
    const n = normalizeNumber(number);
    out.set(n, (out.get(n) ?? new Set()).add(unit));
  };
  for (const m of text.matchAll(QUANTITY)) {
    const unit = UNITS.get(m[2]!.toLowerCase());
    if (unit !== undefined) add(m[1]!, unit);
  }
  for (const m of text.matchAll(PRICE)) add(m[2]!, CURRENCY_SIGNS.get(m[1]!)!);
  return out;
}

/**
 * Whether `text` gives one of the document's numbers a unit the document never gives it. Money is a fact of
 * its own: a number the document gives no currency may not get one ("$22,000" for "about 22,000 dt" of gas,
 * "$24" for "growth of 24%"); another unit it may, since grounding checks the number.
 */
export function misstatesUnit(text: string, document: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  for (const [n, units] of quantityUnits(text)) {
    const known = document.get(n);
    if ([...units].some((u) => (known ? !known.has(u) : CURRENCIES.has(u)))) return true;
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
