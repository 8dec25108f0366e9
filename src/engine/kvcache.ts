/**
 * The key/value cache of a batch: one key and one value tensor per layer, shaped
 * [batch, kvHeads, length, headDim]. Every row has the same length and no padding (rows that finish are
 * removed with `selectRows`), so the attention mask is all ones.
 */
import { Tensor } from 'onnxruntime-node';
import { InferenceFailed } from './errors';
import type { IoSpec } from './manifest';

export class KvCache {
  private constructor(
    readonly batch: number,
    readonly length: number,
    readonly keys: readonly Tensor[],
    readonly values: readonly Tensor[],
  ) {}

  /** An empty cache (past = 0) for `batch` rows. */
  static empty(io: IoSpec, batch: number): KvCache {
    const make = (): Tensor =>
      new Tensor('float32', new Float32Array(0), [batch, io.numKvHeads, 0, io.headDim]);
    const keys = Array.from({ length: io.numLayers }, make);
    const values = Array.from({ length: io.numLayers }, make);
    return new KvCache(batch, 0, keys, values);
  }

  /** Wraps the `present.*` outputs of a run. */
  static fromTensors(io: IoSpec, keys: Tensor[], values: Tensor[]): KvCache {
    const first = keys[0];
    if (!first || keys.length !== io.numLayers || values.length !== io.numLayers)
      throw new InferenceFailed(
        `The graph returned ${keys.length} key tensors; the manifest says ${io.numLayers} layers.`,
      );
    const [batch, heads, length, headDim] = first.dims;
    if (
      first.type !== 'float32' ||
      heads !== io.numKvHeads ||
      headDim !== io.headDim ||
      batch === undefined ||
      length === undefined
    )
      throw new InferenceFailed(
        `The graph's key/value cache is ${first.type} [${first.dims.join(', ')}]; the manifest expects float32 ` +
          `[batch, ${io.numKvHeads}, past, ${io.headDim}].`,
      );
    return new KvCache(batch, length, keys, values);
  }

  /** Float32 elements of one row of one tensor. */
  private get rowSize(): number {
    const t = this.keys[0];
    if (!t) return 0;
    const [, heads = 0, , headDim = 0] = t.dims;
    return heads * this.length * headDim;
  }

  /** Bytes held by this cache (for the prefix cache's budget). */
  get bytes(): number {
    return this.rowSize * this.batch * 4 * 2 * this.keys.length;
  }

  /** A cache of `rows.length` rows taken (copied) from this one; a row may appear more than once. */
  selectRows(rows: readonly number[]): KvCache {
    if (rows.length === this.batch && rows.every((r, i) => r === i)) return this;
    for (const r of rows) {
      if (!Number.isInteger(r) || r < 0 || r >= this.batch) throw new RangeError(`row ${r} out of range`);
    }
    const size = this.rowSize;
    const pick = (t: Tensor): Tensor => {
      const src = t.data as Float32Array;
      const out = new Float32Array(size * rows.length);
      rows.forEach((r, i) => out.set(src.subarray(r * size, (r + 1) * size), i * size));
      const [, heads = 0, , headDim = 0] = t.dims;
      return new Tensor('float32', out, [rows.length, heads, this.length, headDim]);
    };
    return new KvCache(rows.length, this.length, this.keys.map(pick), this.values.map(pick));
  }

  /** `k` copies of this single-row cache (the preview's expansion of one prefill). */
  expand(k: number): KvCache {
    if (this.batch !== 1) throw new RangeError('expand() needs a cache of one row');
    return this.selectRows(Array.from({ length: k }, () => 0));
  }
}
