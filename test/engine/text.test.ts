import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryInput, EmptyInput, InputTooLarge, SteerError, isSteerError } from '../../src/engine/errors';
import { checkDocument, decodeText, looksBinaryText } from '../../src/engine/text';
import { Tensor } from 'onnxruntime-node';
import { KvCache } from '../../src/engine/kvcache';
import { PrefixCache, prefixKey } from '../../src/engine/prefix-cache';
import { parseManifest } from '../../src/engine/manifest';
import { manifestJson } from '../support/helpers';

test('binary and empty inputs are recognised', () => {
  assert.equal(looksBinaryText('plain text\nwith lines\tand tabs'), false);
  assert.equal(looksBinaryText('a\u0000b'), true);
  assert.equal(looksBinaryText('\u0001\u0002\u0003abc'), true);
  assert.throws(() => decodeText(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])), BinaryInput);
  assert.throws(() => decodeText(Uint8Array.from([0xff, 0xfe, 0xfd, 0x41])), BinaryInput);
  assert.equal(decodeText(new TextEncoder().encode('héllo ✓')), 'héllo ✓');
  assert.throws(() => checkDocument('   \n\t '), EmptyInput);
  assert.equal(checkDocument('  x  '), 'x');
});

test('errors carry codes and actionable messages', () => {
  const e = new InputTooLarge(5000, 4096);
  assert.ok(isSteerError(e) && e instanceof SteerError);
  assert.equal(e.code, 'INPUT_TOO_LARGE');
  assert.equal(e.name, 'InputTooLarge');
  assert.match(e.message, /5000 tokens; the limit is 4096/);
});

test('kv cache rows are selected and expanded by copy', () => {
  const io = parseManifest(manifestJson()).io; // 2 layers, 1 head, head dim 8
  const empty = KvCache.empty(io, 3);
  assert.equal(empty.length, 0);
  assert.equal(empty.batch, 3);
  const t = (b: number): Tensor =>
    new Tensor(
      'float32',
      Float32Array.from({ length: b * 1 * 2 * 8 }, (_, i) => i),
      [b, 1, 2, 8],
    );
  const c = KvCache.fromTensors(io, [t(2), t(2)], [t(2), t(2)]);
  assert.equal(c.length, 2);
  const picked = c.selectRows([1]);
  assert.equal(picked.batch, 1);
  assert.equal((picked.keys[0]!.data as Float32Array)[0], 16);
  const expanded = picked.expand(3);
  assert.deepEqual(expanded.keys[1]!.dims, [3, 1, 2, 8]);
  assert.equal((expanded.values[0]!.data as Float32Array)[32], 16);
  assert.equal(c.bytes, 2 * 16 * 4 * 2 * 2);
});

test('the prefix cache is an LRU bounded by entries and bytes', () => {
  const io = parseManifest(manifestJson()).io;
  const make = (len: number): KvCache => {
    const t = (): Tensor => new Tensor('float32', new Float32Array(8 * len), [1, 1, len, 8]);
    return KvCache.fromTensors(io, [t(), t()], [t(), t()]);
  };
  const cache = new PrefixCache({ maxEntries: 2, maxBytes: 10_000 });
  const k = (n: number): string => prefixKey('m', 'g', [n, n + 1]);
  assert.notEqual(k(1), k(2));
  assert.equal(prefixKey('m', 'g', [1, 2]), prefixKey('m', 'g', [1, 2]));
  assert.notEqual(prefixKey('m', 'g', [1, 2]), prefixKey('other', 'g', [1, 2]));
  cache.set(k(1), make(4));
  cache.set(k(2), make(4));
  assert.ok(cache.get(k(1)));
  cache.set(k(3), make(4)); // evicts k(2), the least recently used
  assert.equal(cache.get(k(2)), undefined);
  assert.ok(cache.get(k(1)) && cache.get(k(3)));
  cache.set(k(4), make(100)); // 12.8 KB > budget: not kept
  assert.equal(cache.get(k(4)), undefined);
  assert.equal(cache.size, 2);
});
