/**
 * Grounded decoding: the golden cases shared with the Python twin (rules/grounding-cases.json), and the
 * logits processor on crafted logits: an invented name or number, markup and a third repeat are never
 * chosen, whatever their logits.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  GroundedDecodingProcessor,
  candidatesInOrder,
  type PieceTable,
} from '../../src/engine/generation/grounded-decoding';
import { Continuation } from '../../src/engine/grounding/continuation';
import { documentWording } from '../../src/engine/grounding/document-wording';
import { DocumentTerms, defaultLexicon, unsupportedTerms } from '../../src/engine/grounding/terms';
import {
  beforeFirstRepeat,
  beforeLastClause,
  endAtSentence,
  runsOn,
  hasFragment,
  beforeFirstFragment,
  endsSentence,
  isLooping,
  unusable,
  withoutUnfinishedEnd,
} from '../../src/engine/grounding/usability';
import { argmax } from '../../src/engine/generation/sampling';
import { ROOT } from '../support/helpers';

interface Cases {
  unsupported: { document: string; summary: string; unsupported: string[] }[];
  continuation: { document: string; text: string; piece: string; end: boolean; refusal: string | null }[];
  looping: { text: string; looping: boolean }[];
}
const cases = JSON.parse(readFileSync(join(ROOT, 'rules', 'grounding-cases.json'), 'utf8')) as Cases;

test('golden cases: the terms a summary states without support', () => {
  for (const c of cases.unsupported)
    assert.deepEqual(unsupportedTerms(c.summary, new DocumentTerms(c.document)), c.unsupported, c.summary);
});

test('golden cases: which summaries the last check calls looping', () => {
  for (const c of cases.looping) assert.equal(isLooping(c.text), c.looping, c.text);
});

test('golden cases: which pieces may continue a summary', () => {
  for (const c of cases.continuation) {
    const cont = new Continuation(new DocumentTerms(c.document));
    assert.equal(
      cont.check(cont.prepare(c.text), c.piece, c.end),
      c.refusal,
      `${c.text} + ${JSON.stringify(c.piece)}`,
    );
  }
});

/** A toy vocabulary: id → piece; id 0 is end-of-sequence. */
function toyPieces(vocab: readonly string[]): PieceTable {
  return {
    piece: (id) => vocab[id] ?? '',
    text: (ids) => ids.map((id) => vocab[id] ?? '').join(''),
    encode: (text) => (vocab.includes(text) ? [vocab.indexOf(text)] : []),
  };
}

const VOCAB = [
  '',
  'The',
  ' board',
  ' met',
  ' on',
  ' July',
  ' 27',
  ' Google',
  ' last',
  ' year',
  '.',
  '```',
  '\n',
  ' met',
  '#',
];
const ids = (...pieces: string[]): number[] => pieces.map((p) => VOCAB.indexOf(p));

function step(document: string, generated: number[], scores: Record<string, number>, keep = 1): Float32Array {
  const logits = new Float32Array(VOCAB.length).fill(-5);
  for (const [p, v] of Object.entries(scores)) logits[VOCAB.indexOf(p)] = v;
  new GroundedDecodingProcessor(
    new Continuation(new DocumentTerms(document)),
    toyPieces(VOCAB),
    [0],
    keep,
  ).process(logits, generated);
  return logits;
}

test('grounded decoding never picks a number the document lacks, however likely', () => {
  const doc = 'The board met in July last year.';
  const l = step(doc, ids('The', ' board', ' met', ' on', ' July'), { ' 27': 9, '.': 2, ' last': 1 });
  assert.equal(VOCAB[argmax(l)], '.');
  assert.equal(l[VOCAB.indexOf(' 27')], -Infinity);
});

test('grounded decoding never picks a name the document lacks, and allows one it has', () => {
  const gen = ids('The', ' board', ' met');
  assert.equal(VOCAB[argmax(step('The board met last year.', gen, { ' Google': 9, ' last': 3 }))], ' last');
  assert.equal(VOCAB[argmax(step('Google: the board met.', gen, { ' Google': 9, ' last': 3 }))], ' Google');
});

test('grounded decoding refuses code fences, line breaks and a heading mark at the start', () => {
  const doc = 'The board met.';
  assert.equal(VOCAB[argmax(step(doc, [], { '```': 9, '#': 8, '\n': 7, The: 1 }))], 'The');
  assert.equal(VOCAB[argmax(step(doc, ids('The', ' board', ' met'), { '\n': 9, '.': 1 }))], '.');
});

test('with sampling, the `keep` best allowed tokens stay and every other token is forbidden', () => {
  const l = step(
    'The board met last year.',
    ids('The', ' board'),
    { ' 27': 9, ' met': 8, ' last': 7, ' year': 6 },
    2,
  );
  const finite = [...l].map((v, i) => (Number.isFinite(v) ? VOCAB[i] : null)).filter((v) => v !== null);
  assert.deepEqual(finite, [' met', ' last']);
});

test('when no token may follow, only end-of-sequence stays', () => {
  const l = new Float32Array(3).fill(1);
  const pieces = toyPieces(['', ' Zed', ' Zed']);
  new GroundedDecodingProcessor(new Continuation(new DocumentTerms('a b c')), pieces, [0]).process(l, [1]);
  assert.deepEqual([...l].map(Number.isFinite), [true, false, false]);
});

/**
 * A decoding over a toy vocabulary and one document: its pieces and continuation, ids of pieces, and logits
 * that give the listed pieces their scores and every other -Infinity.
 */
function toyDecoding(vocab: readonly string[], document: string) {
  return {
    pieces: toyPieces(vocab),
    continuation: new Continuation(new DocumentTerms(document)),
    at: (...ps: string[]): number[] => ps.map((p) => vocab.indexOf(p)),
    logits: (scores: Record<string, number>): Float32Array => {
      const l = new Float32Array(vocab.length).fill(-Infinity);
      for (const [p, v] of Object.entries(scores)) l[vocab.indexOf(p)] = v;
      return l;
    },
  };
}

test('a row stuck inside a number records where the number began, and a decoding that avoids it goes on', () => {
  // "January 1, 20" begins "2004", but the model wants "2021": no token may follow "20"
  const vocab = ['', 'Version', ' 2.0', ' January', ' 1', ',', ' 20', '21', '04', '.'];
  const { pieces, continuation, at, logits } = toyDecoding(
    vocab,
    'Version 2.0, January 2004. Since January 1 it applies.',
  );
  const generated = at('Version', ' 2.0', ',', ' January', ' 1', ',', ' 20');
  const first = new GroundedDecodingProcessor(continuation, pieces, [0]);
  const stuck = logits({ '21': 9, '': 1 });
  first.process(stuck, generated);
  assert.equal(argmax(stuck), 0, 'only end-of-sequence stays');
  assert.deepEqual(first.deadEnds, [{ prefix: generated.slice(0, -1), token: vocab.indexOf(' 20') }]);

  // decoding again with that dead end refused: after "January 1," the best token is no longer " 20"
  const again = new GroundedDecodingProcessor(continuation, pieces, [0], 1, first.deadEnds);
  const l = logits({ ' 20': 9, ' January': 5 });
  again.process(l, generated.slice(0, -1));
  assert.equal(vocab[argmax(l)], ' January');
  assert.deepEqual(again.deadEnds, []);
});

test('a number its word binds otherwise is refused; the row ends at that word unless a bound number comes next', () => {
  const vocab = ['', 'The', ' farm', ' will', ' cost', ' 15', ' 38', ' ers', ' million', '.'];
  const { pieces, continuation, at, logits } = toyDecoding(
    vocab,
    'The farm will cost 38 million euros, of which 15 million comes from a fund.',
  );
  const generated = at('The', ' farm', ' will', ' cost');
  // the model wants 15 (the fund's share) after "cost": 38, the number the document binds to it, is next
  const swap = new GroundedDecodingProcessor(continuation, pieces, [0]);
  const l = logits({ ' 15': 9, ' 38': 5, ' ers': 4 });
  swap.process(l, generated);
  assert.equal(vocab[argmax(l)], ' 38');
  assert.deepEqual(swap.deadEnds, []);

  // next best is a word: the row ends, and the dead end is "cost", where a backtrack words it another way
  const ends = new GroundedDecodingProcessor(continuation, pieces, [0]);
  const l2 = logits({ ' 15': 9, ' ers': 5, ' 38': 4 });
  ends.process(l2, generated);
  assert.equal(argmax(l2), 0, 'only end-of-sequence stays');
  assert.deepEqual(ends.deadEnds, [{ prefix: at('The', ' farm', ' will'), token: vocab.indexOf(' cost') }]);
});

test('candidates come in descending order of logit, ties to the lower id, -Infinity never', () => {
  const l = Float32Array.from([1, 5, -Infinity, 5, -100, 3]);
  assert.deepEqual([...candidatesInOrder(l)], [1, 3, 5, 0, 4]);
});

test('the last check refuses empty, looping and markup-only text and passes prose', () => {
  assert.equal(unusable(''), 'empty');
  assert.equal(unusable('```python\n```'), 'markup');
  assert.equal(unusable('## Git jump\n## Git jump'), 'markup');
  assert.equal(unusable('Practices practices procedures procedures procedures apply.'), 'looping');
  assert.equal(unusable('The board approved a solar farm that opens next spring.'), null);
  assert.ok(isLooping('The farm is big. The farm is big.'));
  assert.equal(unusable('The ml_dtypes type\uFFFDtype is a type.'), 'markup');
  assert.equal(unusable("Veran's,//.,////++//// rules."), 'markup');
});

test('the last check refuses a summary that stops mid-clause, and passes a title', () => {
  assert.equal(unusable('The package can be installed with'), 'unfinished');
  assert.equal(unusable('This document summarizes the'), 'unfinished');
  assert.equal(unusable('This code uses subprocess. and subprocess.'), 'unfinished');
  assert.equal(unusable('It uses numpy. numpy is fast.'), null);
  assert.equal(unusable('The U.S. and China agreed on a deal, e.g. the tariffs.'), null);
  assert.equal(unusable('Simple, flexible, fun JavaScript test framework for Node.js'), null);
  assert.equal(unusable('The farm opens next spring.'), null);
  assert.ok(endsSentence('The farm opens "next spring."'));
  assert.ok(!endsSentence('The farm opens next'));
  // a title's full stop ends no summary; an initialism's may
  assert.ok(!endsSentence('Argentina faces a debt crunch with international creditors. Mr.'));
  assert.ok(endsSentence('The firm grew in the U.S.'));
});

test('a summary stranded mid-sentence keeps its whole clauses, never a clause that flips its meaning', () => {
  // what the shipped model wrote for training/steer_train/rl.py at faithful=1, and an earnings call at complete=1
  assert.equal(
    beforeLastClause('This code generates a stack of responses per row; with a'),
    'This code generates a stack of responses per row.',
  );
  assert.equal(
    beforeLastClause(
      'I joined Kristin Peck, our chief executive officer, Wetteny Joseph, chief financial officer, and Kristin',
    ),
    'I joined Kristin Peck, our chief executive officer, Wetteny Joseph, chief financial officer.',
  );
  // a clause ending in a negation or a dangling word is not whole; too short a clause is no summary
  assert.equal(beforeLastClause('The town board said that it would not, and the town voted against the'), '');
  assert.equal(beforeLastClause('The farm costs money for the, and then'), '');
  assert.equal(beforeLastClause('The farm opens; then'), '');
  // at any other comma a sentence is not cut
  assert.equal(beforeLastClause('The board approved the farm, although the town'), '');
});

test('a sentence that runs on past 60 words is caught; long summaries of shorter sentences are not', () => {
  // the shipped model on the Apache License at complete=1, cut at the token limit
  const runOn =
    'Apache License Version 2.0, January 1 (Version) for legal purposes shall be distributed to Legal Entity with ' +
    'Additional Liability under Section 9 of this License without any additional terms or conditions attached by ' +
    'You and may include a fee waxing pursuant thereof unless you agree on permissions granted through mailing ' +
    "list requests from Licensor's representatives before date designated in source form documentation file " +
    'downloads; otherwise licensed works obtained directly via download links that are made available within ' +
    'Source format files accessed using email invitation submission forms submitted online';
  assert.ok(runsOn(runOn));
  assert.ok(runsOn(`The licence is short. ${runOn}.`));
  const sentence =
    'The town of Harrow Bay will open its first public solar farm next spring after two years. ';
  assert.ok(!runsOn(sentence.repeat(6).trim()));
});

test('a lone identifier or a bare link scheme as a sentence is caught and cut; initialisms and abbreviations are not', () => {
  // the shipped model on a mocha reporter (complete=1) and the networkx README (faithful=1)
  assert.ok(
    hasFragment('module.exports. Visit function. suite.on. Suite.constants.EVENT_FILE_REQUIRE is a suite.'),
  );
  assert.ok(hasFragment('exports.validateOptions. validated options for object.'));
  assert.ok(hasFragment('NetworkX homepage: https. Networkx homepage: https:'));
  assert.ok(hasFragment('NetworkX homepage (https) is a Python package for networkx.'));
  assert.equal(
    beforeFirstFragment('This code visits a suite. suite.on. It creates suites.'),
    'This code visits a suite.',
  );
  assert.equal(beforeFirstFragment('module.exports. Visit suite function.'), '');
  // a number is no initial: "1." on its own is a fragment (the Apache License at complete=1)
  assert.ok(hasFragment('The terms of Version 2.0, January 2004, 1.0, 1. 1.'));
  assert.ok(!hasFragment('J. R. R. Tolkien wrote it.'));
  // a full stop of an initialism, an abbreviation or a version ends no sentence
  for (const fine of [
    'The U.S. economy grew.',
    'Mr. Smith said so.',
    'Sign up at 5 p.m. today.',
    'Smith et al. propose a method.',
    'It runs on Python 3.11. It is fast.',
    'Jeff sleeps.',
    'See https://networkx.org for more.',
  ])
    assert.ok(!hasFragment(fine), fine);
});

test('the last check refuses a list of words and passes a sentence with a list in it', () => {
  assert.equal(
    unusable(
      'This document differs from the training, steer, model, json, tokenizer, src, engine, src, editor.',
    ),
    'list',
  );
  assert.equal(
    unusable(
      'The farm has panels, a battery store of 12 megawatt-hours, a hedge, and a cooperative of investors.',
    ),
    null,
  );
});

test('the last check tells code from prose about code', () => {
  assert.equal(unusable('def _need_link(self, objects, output_file)'), 'markup');
  assert.equal(unusable('function relink(objects) { return true; }'), 'markup');
  assert.equal(unusable('import numpy from numpy and returns'), 'markup');
  // what the shipped model wrote for a networkx module at concise=0.75
  assert.equal(unusable('from itertools import chain, repeat, nx.graph. Networkx.'), 'markup');
  assert.equal(unusable('The module reads data from files and imports them.'), null);
  assert.equal(unusable('def rebuilding a list of strings.'), 'markup');
  assert.equal(unusable('@nx._dispatchable returns eigenvalues of the matrix.'), 'markup');
  assert.equal(unusable('return True if the target is older than a source.'), 'markup');
  assert.equal(unusable('This function returns True if the object list is empty.'), null);
  assert.equal(unusable('The class extends the reader with a function of the cache.'), null);
  assert.equal(unusable('A helper to define functions that decide whether to relink.'), null);
});

test('a summary never ends in a name cut short', () => {
  const doc = new DocumentTerms('David Smith opened the farm in spring.');
  assert.equal(
    withoutUnfinishedEnd('The farm opened in spring. David Smith and Davi', doc),
    'The farm opened in spring.',
  );
  assert.equal(withoutUnfinishedEnd('David Smith opened the farm.', doc), 'David Smith opened the farm.');
});

test('a summary cut off at the token limit ends at its last finished sentence', () => {
  assert.equal(endAtSentence('The farm opens in spring. Mayor Lena Ort'), 'The farm opens in spring.');
  assert.equal(endAtSentence('It opens. Mayor Lena Ort'), 'It opens. Mayor Lena Ort');
  assert.equal(endAtSentence('The farm opens in spring.'), 'The farm opens in spring.');
  assert.equal(
    endAtSentence('Argentina faces a debt crunch with international creditors. Mr.'),
    'Argentina faces a debt crunch with international creditors.',
  );
});

test('a summary that loops after good sentences keeps the sentences before the first repeat', () => {
  // training/steer_train/rl.py at complete=1, decoded again with the prose opener
  const looping =
    'This code generates a stack of responses per row. It starts with a stack of training examples. ' +
    'It loads the per-objective deltas. It starts training with a stack.';
  assert.equal(isLooping(looping), true);
  const kept = beforeFirstRepeat(looping);
  assert.equal(
    kept,
    'This code generates a stack of responses per row. It starts with a stack of training examples. ' +
      'It loads the per-objective deltas.',
  );
  assert.equal(unusable(kept), null);
  assert.equal(beforeFirstRepeat('Steer steer steer summarizes files. It is fast.'), '');
  const fine = 'The board will build a solar farm. Households will buy shares.';
  assert.equal(beforeFirstRepeat(fine), fine);
  // the cut never leaves a name's initial as the last sentence
  assert.equal(
    beforeFirstRepeat('She wrote science fiction novels. Annabella C. Flowers wrote science fiction novels.'),
    'She wrote science fiction novels.',
  );
});

test("kept to the document's wording, a summary inflects the document's words and writes no other content word", () => {
  const doc = 'The board announced on Monday that 1,900 households bought shares in the solar farm.';
  const open = new DocumentTerms(doc);
  const kept = new DocumentTerms(doc, defaultLexicon(), documentWording(doc));
  // open wording lets any English word through, so "nearby parking" of an article without parking
  assert.ok(open.allows('parking', false) && open.allows('nearby', false));
  assert.ok(!kept.allows('parking', false) && !kept.allows('nearby', false));
  assert.ok(!kept.allows('Nearby', true), 'a capitalised word opening a sentence is still a word');
  // a word that says when is the document's in either wording, as a number is ("monthly" of a Monday)
  assert.ok(!open.allows('monthly', false) && !open.allows('Monthly', true));
  // the document's words in other forms, function words and the words a summary says of a text stay
  for (const word of ['announces', 'announcing', 'household', 'farms', 'which', 'their', 'describes'])
    assert.ok(kept.allows(word, false), word);
  // names and numbers keep their own rules
  assert.ok(kept.allows('1,900', false) && !kept.allows('2,000', false));
});
