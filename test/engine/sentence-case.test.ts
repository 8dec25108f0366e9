/**
 * Sentence openings in the shown summary: cases are summaries the shipped model wrote (src/engine/decode.ts, a story and
 * a BBC article at the complete vertex) and identifiers a summary of code must keep as written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCapitalOpenings, withSpacedSentences } from '../../src/engine/sentence-case';

test('an ordinary word opening a sentence in lower case gets its capital', () => {
  assert.equal(
    withCapitalOpenings(
      'You generate a response for every request. rows share one prefill and decode together.',
    ),
    'You generate a response for every request. Rows share one prefill and decode together.',
  );
  assert.equal(
    withCapitalOpenings('Internet TV has been talked about for years. telcos want IPTV services.'),
    'Internet TV has been talked about for years. Telcos want IPTV services.',
  );
  assert.equal(withCapitalOpenings('the farm opens in spring.'), 'The farm opens in spring.');
  assert.equal(
    withCapitalOpenings('He said "it works." the team agreed.'),
    'He said "it works." The team agreed.',
  );
});

test('identifiers, words the lexicon lacks and words after an abbreviation stay as written', () => {
  for (const text of [
    'The tool reads options. options.prefixReuse keeps the prefill.',
    'Install it first. npm runs the build.',
    'The parser is strict. parse_config reads a file.',
    'It reads many formats, e.g. markdown files and code.',
    'The function is short. iPhone users see it.',
  ])
    assert.equal(withCapitalOpenings(text), text);
});

test('a sentence glued to an exclamation or question mark gets its space; identifiers and full stops do not', () => {
  assert.equal(
    withSpacedSentences('Grannie Annie!She wrote science fiction novels.'),
    'Grannie Annie! She wrote science fiction novels.',
  );
  assert.equal(withSpacedSentences('Is it ready?Yes, the board says.'), 'Is it ready? Yes, the board says.');
  for (const text of [
    'The module.Exports object holds it.',
    'Yahoo! Mail opens.',
    'The flag !Important stays.',
    'It returns a?B when set.',
  ])
    assert.equal(withSpacedSentences(text), text);
});
