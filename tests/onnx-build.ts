// Builds small ONNX models in tests (node list, float32/int64 initializers, inputs with static or
// symbolic dims, one default-domain opset) with the library's own protobuf writer; shared by the
// optimiser and packed-GEMM suites.
import { ProtoWriter } from '../ts/io/onnx/protobuf.js';

export type AttrV = number | number[] | string | { f: number } | { floats: number[] };
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrV>;
}
export interface Init {
  name: string;
  dims: number[];
  data: number[];
  dtype?: 'float32' | 'int64';
}
export interface ModelSpec {
  nodes: NodeSpec[];
  inits: Init[];
  inputs: [string, (number | string)[], ('float32' | 'int64')?][];
  outputs: string[];
  opset?: number;
}

function encodeAttr(name: string, v: AttrV): ProtoWriter {
  const w = new ProtoWriter();
  w.string(1, name);
  if (typeof v === 'number') {
    w.int(3, v);
    w.int(20, 2);
  } else if (typeof v === 'string') {
    w.string(4, v);
    w.int(20, 3);
  } else if (Array.isArray(v)) {
    w.packedInts(8, v);
    w.int(20, 7);
  } else if ('f' in v) {
    w.float(2, v.f);
    w.int(20, 1);
  } else {
    w.packedFloats(7, v.floats);
    w.int(20, 6);
  }
  return w;
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const g = new ProtoWriter();
  spec.nodes.forEach((n, i) => {
    const w = new ProtoWriter();
    for (const x of n.inputs) w.string(1, x);
    for (const x of n.outputs) w.string(2, x);
    w.string(3, `${n.op}_${i}`);
    w.string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, encodeAttr(k, v));
    g.message(1, w);
  });
  g.string(2, 'g');
  for (const t of spec.inits) {
    const w = new ProtoWriter();
    w.packedInts(1, t.dims);
    w.int(2, t.dtype === 'int64' ? 7 : 1);
    w.string(8, t.name);
    const raw = t.dtype === 'int64' ? new Uint8Array(BigInt64Array.from(t.data.map((v) => BigInt(v))).buffer) : new Uint8Array(Float32Array.from(t.data).buffer);
    w.bytes(9, raw);
    g.message(5, w);
  }
  const vi = (name: string, dims: (number | string)[] | null, elem: number): ProtoWriter => {
    const w = new ProtoWriter();
    w.string(1, name);
    const tt = new ProtoWriter();
    tt.int(1, elem);
    if (dims) {
      const sh = new ProtoWriter();
      for (const d of dims) {
        const dw = new ProtoWriter();
        if (typeof d === 'number') dw.int(1, d);
        else dw.string(2, d);
        sh.message(1, dw);
      }
      tt.message(2, sh);
    }
    const tp = new ProtoWriter();
    tp.message(1, tt);
    w.message(2, tp);
    return w;
  };
  for (const [name, dims, dt] of spec.inputs) g.message(11, vi(name, dims, dt === 'int64' ? 7 : 1));
  for (const name of spec.outputs) g.message(12, vi(name, null, 1));
  const opset = new ProtoWriter();
  opset.string(1, '');
  opset.int(2, spec.opset ?? 17);
  const m = new ProtoWriter();
  m.int(1, 8);
  m.message(7, g);
  m.message(8, opset);
  return m.finish();
}
