/**
 * Sentences in words the document never uses: the last check drops a sentence of a prose document's summary
 * most of whose content words the document lacks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DocumentStems,
  novelSentences,
  withoutNovelSentences,
} from '../../src/engine/grounding/novel-wording';

const ISC = `The ISC License

Copyright (c) 2011-2023 Isaac Z. Schlueter and Contributors

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS.`;

const TRAVIS = `language: node_js
node_js:
  - "6"
  - "8"
  - "10"
`;

test('a sentence in words the licence never uses is novel; one in its words, inflected or not, is not', () => {
  const stems = DocumentStems.of(ISC, 3)!;
  const invented = 'The SOFTWARE provider agrees with all applicable laws, statutes, and regulations.';
  const kept = 'The ISC License grants permission to copy, modify and distribute the software.';
  assert.deepEqual(novelSentences(`${kept} ${invented}`, stems), [invented]);
  assert.equal(withoutNovelSentences(`${kept} ${invented}`, stems), kept);
  // inflections of the document's words are its words ("grants" of "granted", "copies" of "copy")
  assert.equal(stems.novelStems('The notice is granted with all copies.'), null);
});

test('the words a summary uses of any text do not count, and one or two new words are paraphrase', () => {
  const stems = DocumentStems.of(ISC, 3)!;
  assert.equal(stems.novelStems('This text describes and discusses the software licence.'), null);
  // two content words the licence lacks ("anyone", "free") among four: kept
  assert.equal(stems.novelStems('Anyone may copy the software for free.'), null);
});

test('a config file: an invented claim goes, a plain statement of its values stays', () => {
  const stems = DocumentStems.of(TRAVIS, 3)!;
  const invented = 'Language: node_js allows users to customize their speech.';
  assert.deepEqual(stems.novelStems(invented)?.sort(), ['allow', 'customiz', 'speech', 'user']);
  assert.equal(
    withoutNovelSentences(`The language is node_js. ${invented}`, stems),
    'The language is node_js.',
  );
});

test('source code and style sheets are not held to their own words: a summary names in English what they write', () => {
  const code = 'def parse(fp):\n    return [line.split() for line in fp]\n';
  const css =
    'body { margin: 0; }\na:link { color: #0000ff; }\n.heading-text { font-family: helvetica, arial; }\n';
  assert.equal(DocumentStems.of(code, 3), null);
  assert.equal(DocumentStems.of(css, 3), null);
});
