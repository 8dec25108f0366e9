/**
 * The key/value cache of a batch: one key and one value tensor per layer, shaped
 * [batch, kvHeads, capacity, headDim], of which the first `length` positions are filled. Every row has the
 * same length and no padding (rows that finish are removed with `selectRows`), so the attention mask is all
 * ones.
 *
 * For most graphs capacity = length: each step returns new tensors one position longer (the graph copies
 * the cache). A graph with a shared key/value cache (manifest `sharedKvCache`: GroupQueryAttention) is given
 * the same buffers as past and present and writes the new positions into the spare capacity, so the graph
 * does not copy the cache; the cache it was given is then spent (its spare positions belong to the new one)
 * and may be read (selectRows, expand) but never stepped again.
 */
import { Tensor } from 'onnxruntime-node';
import { InferenceFailed } from './errors';
import type { IoSpec } from './manifest';

/**
 * The element type of a graph's cache: float32, or float16 for the `fast` graph (half the bytes that
 * onnxruntime-node copies back after every step; the engine never reads the values, only moves them).
 */
export type KvType = 'float32' | 'float16';

function kvTensor(type: KvType, elements: number, dims: readonly number[]): Tensor {
  return type === 'float16'
    ? float16Tensor(new Uint16Array(elements), dims)
    : new Tensor('float32', new Float32Array(elements), dims);
}

/**
 * A float16 tensor whose data is the 16-bit words themselves. Where the runtime has Float16Array (Node 24,
 * recent Electron), onnxruntime-common wraps a Uint16Array in a Float16Array view, and onnxruntime-node 1.30's
 * binding reads that view as empty ("not enough space: expected 20864, got 0"); so the tensor gets its
 * Uint16Array back.
 */
function float16Tensor(words: Uint16Array, dims: readonly number[]): Tensor {
  const tensor = new Tensor('float16', words, dims);
  if (!(tensor.data instanceof Uint16Array)) (tensor as unknown as { cpuData: Uint16Array }).cpuData = words;
  return tensor;
}

/** A cache tensor the binding can read back: a float16 output wrapped as words again (see float16Tensor). */
function readable(tensor: Tensor): Tensor {
  if (tensor.type !== 'float16' || tensor.data instanceof Uint16Array) return tensor;
  const view = tensor.data as unknown as ArrayBufferView;
  return float16Tensor(new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2), tensor.dims);
}

export class KvCache {
  private spentBy: KvCache | null = null;

  private constructor(
    readonly batch: number,
    readonly length: number,
    readonly keys: readonly Tensor[],
    readonly values: readonly Tensor[],
    readonly capacity: number = length,
    readonly type: KvType = 'float32',
  ) {}

  /** An empty cache (past = 0) for `batch` rows. */
  static empty(io: IoSpec, batch: number, type: KvType = 'float32'): KvCache {
    const make = (): Tensor => kvTensor(type, 0, [batch, io.numKvHeads, 0, io.headDim]);
    const keys = Array.from({ length: io.numLayers }, make);
    const values = Array.from({ length: io.numLayers }, make);
    return new KvCache(batch, 0, keys, values, 0, type);
  }

  /** Wraps the `present.*` outputs of a run. */
  static fromTensors(io: IoSpec, keys: Tensor[], values: Tensor[]): KvCache {
    const first = keys[0];
    if (!first || keys.length !== io.numLayers || values.length !== io.numLayers)
      throw new InferenceFailed(
        `The graph returned ${keys.length} key tensors; the manifest says ${io.numLayers} layers.`,
      );
    const [batch, heads, length, headDim] = first.dims;
    const type = first.type;
    if (
      (type !== 'float32' && type !== 'float16') ||
      heads !== io.numKvHeads ||
      headDim !== io.headDim ||
      batch === undefined ||
      length === undefined
    )
      throw new InferenceFailed(
        `The graph's key/value cache is ${first.type} [${first.dims.join(', ')}]; the manifest expects float32 ` +
          `or float16 [batch, ${io.numKvHeads}, past, ${io.headDim}].`,
      );
    return new KvCache(batch, length, keys.map(readable), values.map(readable), length, type);
  }

  /** Whether a step has written into this cache's spare capacity (then only reading it is safe). */
  get spent(): boolean {
    return this.spentBy !== null;
  }

  /**
   * The cache after a shared-buffer step has written `added` positions into this one's buffers; this one is
   * spent from then on.
   */
  advance(added: number): KvCache {
    if (this.spentBy) throw new RangeError('this cache was already stepped; step the one that step returned');
    if (this.length + added > this.capacity)
      throw new RangeError(`${this.length + added} positions do not fit a capacity of ${this.capacity}`);
    return this.overSameBuffers(this.length + added);
  }

  /**
   * This cache without its last `dropped` positions, over the same buffers (a shared-buffer cache whose
   * newest positions held a draft that was not accepted: the next step writes over them); this one is spent.
   */
  rewind(dropped: number): KvCache {
    if (dropped === 0) return this;
    if (this.spentBy) throw new RangeError('this cache was already stepped; step the one that step returned');
    if (!Number.isInteger(dropped) || dropped < 0 || dropped > this.length)
      throw new RangeError(`cannot drop ${dropped} of ${this.length} positions`);
    return this.overSameBuffers(this.length - dropped);
  }

  /** A cache of `length` positions over this one's buffers, which is spent from then on. */
  private overSameBuffers(length: number): KvCache {
    const next = new KvCache(this.batch, length, this.keys, this.values, this.capacity, this.type);
    this.spentBy = next;
    return next;
  }

  /** Elements of one row of one tensor. */
  private get rowSize(): number {
    const t = this.keys[0];
    if (!t) return 0;
    const [, heads = 0, , headDim = 0] = t.dims;
    return heads * this.capacity * headDim;
  }

  /** Bytes held by this cache (for the prefix cache's budget). */
  get bytes(): number {
    return this.rowSize * this.batch * (this.type === 'float16' ? 2 : 4) * 2 * this.keys.length;
  }

  /**
   * A cache of `rows.length` rows taken (copied) from this one, with room for `capacity` positions (default:
   * this one's); a row may appear more than once. The same rows at the same capacity: this one.
   */
  selectRows(rows: readonly number[], capacity = this.capacity): KvCache {
    const same = rows.length === this.batch && rows.every((r, i) => r === i);
    return same && capacity === this.capacity ? this : this.copyRows(rows, capacity);
  }

  private copyRows(rows: readonly number[], capacity: number): KvCache {
    if (capacity < this.length) throw new RangeError(`capacity ${capacity} < length ${this.length}`);
    for (const r of rows) {
      if (!Number.isInteger(r) || r < 0 || r >= this.batch) throw new RangeError(`row ${r} out of range`);
    }
    const pick = (t: Tensor): Tensor => {
      const [, heads = 0, , headDim = 0] = t.dims;
      const src = t.data as Float32Array | Uint16Array;
      const copy = kvTensor(this.type, rows.length * heads * capacity * headDim, [
        rows.length,
        heads,
        capacity,
        headDim,
      ]);
      const out = copy.data as Float32Array | Uint16Array;
      const filled = this.length * headDim;
      rows.forEach((r, i) => {
        for (let h = 0; h < heads; h++) {
          const from = (r * heads + h) * this.capacity * headDim;
          out.set(src.subarray(from, from + filled), (i * heads + h) * capacity * headDim);
        }
      });
      return copy;
    };
    return new KvCache(
      rows.length,
      this.length,
      this.keys.map(pick),
      this.values.map(pick),
      capacity,
      this.type,
    );
  }

  /**
   * A one-row cache of this one-row cache's `positions` (in that order, each < length), with room for
   * `capacity`: branches that finished leave their positions behind when the others are gathered.
   */
  gatherPositions(positions: readonly number[], capacity: number): KvCache {
    if (this.batch !== 1) throw new RangeError('gatherPositions() needs a cache of one row');
    if (capacity < positions.length)
      throw new RangeError(`capacity ${capacity} < ${positions.length} positions`);
    for (const p of positions)
      if (!Number.isInteger(p) || p < 0 || p >= this.length)
        throw new RangeError(`position ${p} out of range`);
    // runs of consecutive positions are copied as one block (the prompt is one)
    const runs: [number, number][] = [];
    for (const p of positions) {
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] === p) last[1]++;
      else runs.push([p, 1]);
    }
    const pick = (t: Tensor): Tensor => {
      const [, heads = 0, , headDim = 0] = t.dims;
      const src = t.data as Float32Array | Uint16Array;
      const copy = kvTensor(this.type, heads * capacity * headDim, [1, heads, capacity, headDim]);
      const out = copy.data as Float32Array | Uint16Array;
      for (let h = 0; h < heads; h++) {
        let to = h * capacity * headDim;
        for (const [start, count] of runs) {
          const from = (h * this.capacity + start) * headDim;
          out.set(src.subarray(from, from + count * headDim), to);
          to += count * headDim;
        }
      }
      return copy;
    };
    return new KvCache(1, positions.length, this.keys.map(pick), this.values.map(pick), capacity, this.type);
  }

  /**
   * `k` copies of this single-row cache (the preview's expansion of one prefill), with room for `capacity`.
   * Always copied when there is room to write: the copies are stepped, this one (a prefix cache entry) never.
   */
  expand(k: number, capacity = this.capacity): KvCache {
    if (this.batch !== 1) throw new RangeError('expand() needs a cache of one row');
    const rows = Array.from({ length: k }, () => 0);
    return capacity === this.length && this.capacity === this.length
      ? this.selectRows(rows)
      : this.copyRows(rows, capacity);
  }
}
