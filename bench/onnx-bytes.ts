/**
 * Bytes of weights a graph reads per generated token, for the memory-bandwidth floor of decoding: a small
 * protobuf reader that walks the ONNX ModelProto's initializers and nodes (no onnx package in Node).
 *
 * Every initializer counts in full, except those consumed only by Gather-like nodes (the embedding table:
 * one row per token is read). A tied embedding also read by the LM head's MatMul counts in full.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

interface Field {
  no: number;
  wire: number;
  /** varint value (wire 0) */
  value: bigint;
  /** byte range of a length-delimited field (wire 2) */
  start: number;
  end: number;
}

function* fields(buf: Buffer, start: number, end: number): Generator<Field> {
  let p = start;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[p++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (p < end) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint(), start: 0, end: 0 };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, wire, value: 0n, start: p, end: p + len };
      p += len;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

/** Bytes per element of ONNX TensorProto.DataType; 4-bit types are packed (0.5). */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4, // float
  2: 1, // uint8
  3: 1, // int8
  4: 2,
  5: 2,
  6: 4, // int32
  7: 8, // int64
  9: 1, // bool
  10: 2, // float16
  11: 8, // double
  12: 4,
  13: 8,
  16: 2, // bfloat16
  21: 0.5, // uint4
  22: 0.5, // int4
};

export interface GraphBytes {
  /** Bytes of all initializers. */
  totalBytes: number;
  /** Bytes read per generated token (embedding tables excluded, see above). */
  perTokenBytes: number;
  /** Initializers consumed only by Gather-like nodes. */
  gatherOnlyBytes: number;
  initializers: number;
}

/** Reads the initializer sizes and consumers of an ONNX file (external data is counted by its length). */
export function graphWeightBytes(file: string): GraphBytes {
  const size = statSync(file).size;
  const buf = Buffer.allocUnsafe(size);
  const fd = openSync(file, 'r');
  try {
    let off = 0;
    while (off < size) off += readSync(fd, buf, off, size - off, off);
  } finally {
    closeSync(fd);
  }
  const str = (f: Field): string => buf.toString('utf8', f.start, f.end);

  let graph: Field | null = null;
  for (const f of fields(buf, 0, buf.length)) if (f.no === 7 && f.wire === 2) graph = f;
  if (!graph) throw new Error(`${file}: no graph in the ONNX model`);

  const init = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const f of fields(buf, graph.start, graph.end)) {
    if (f.no === 1 && f.wire === 2) {
      // NodeProto: 1 input, 4 op_type
      const inputs: string[] = [];
      let op = '';
      for (const g of fields(buf, f.start, f.end)) {
        if (g.no === 1 && g.wire === 2) inputs.push(str(g));
        else if (g.no === 4 && g.wire === 2) op = str(g);
      }
      for (const i of inputs) consumers.set(i, [...(consumers.get(i) ?? []), op]);
    } else if (f.no === 5 && f.wire === 2) {
      // TensorProto: 1 dims, 2 data_type, 8 name, 9 raw_data, 4/5/7/10/11 typed data, 13 external_data
      const dims: number[] = [];
      let type = 1;
      let name = '';
      let raw = -1;
      let external = -1;
      for (const g of fields(buf, f.start, f.end)) {
        if (g.no === 1) {
          if (g.wire === 0) dims.push(Number(g.value));
          else for (const d of packedVarints(buf, g.start, g.end)) dims.push(d);
        } else if (g.no === 2 && g.wire === 0) type = Number(g.value);
        else if (g.no === 8 && g.wire === 2) name = str(g);
        else if (g.no === 9 && g.wire === 2) raw = g.end - g.start;
        else if (g.no === 13 && g.wire === 2) {
          let key = '';
          let value = '';
          for (const h of fields(buf, g.start, g.end)) {
            if (h.no === 1) key = str(h);
            else if (h.no === 2) value = str(h);
          }
          if (key === 'length') external = Number(value);
        }
      }
      const count = dims.reduce((a, b) => a * b, 1);
      const bytes = external >= 0 ? external : raw >= 0 ? raw : Math.ceil(count * (ELEMENT_BYTES[type] ?? 4));
      init.set(name, bytes);
    }
  }
  let totalBytes = 0;
  let gatherOnlyBytes = 0;
  for (const [name, bytes] of init) {
    totalBytes += bytes;
    const ops = consumers.get(name) ?? [];
    if (ops.length > 0 && ops.every((op) => op.startsWith('Gather'))) gatherOnlyBytes += bytes;
  }
  return {
    totalBytes,
    perTokenBytes: totalBytes - gatherOnlyBytes,
    gatherOnlyBytes,
    initializers: init.size,
  };
}

function* packedVarints(buf: Buffer, start: number, end: number): Generator<number> {
  let p = start;
  while (p < end) {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[p++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    yield result;
  }
}

/** Bytes of key/value cache read per generated token at a past of `past` positions (float32). */
export function kvBytesPerToken(
  io: { numLayers: number; numKvHeads: number; headDim: number },
  past: number,
): number {
  return io.numLayers * 2 * io.numKvHeads * io.headDim * past * 4;
}
