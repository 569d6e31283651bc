// Padded scratch planes for the window kernels (depthwise conv in ./conv.ts, max pooling in
// ./pool.ts; not exported to JS): an input plane H x W copied into a scratch whose padded row r
// holds input row r - ph and padded column q input column q - pw, the rest keeping the pad value the
// caller filled the scratch with once per call (0 for convs, -inf for max pooling). For column
// stride 2 the padded rows are split into their even and odd columns (plane `ev` holds padded
// columns 0, 2, 4.., plane `od` 1, 3, 5..), so that a window kernel reads every tap of 4
// consecutive outputs with one unaligned v128 load and no bounds checks, borders included.
// Layout in the scratch: ev (Hp rows of rl floats), od (stride 2 only, same size), then one
// full-width padded row (stride 2 only) for the split. The copies use plain v128 loops:
// memory.copy / memory.fill per row (runtime calls) cost more than these short rows themselves.

/** Floats of one scratch plane row (the padded columns rounded-up output vectors read, + slack). */
// @ts-ignore: decorator
@inline export function planeRowLen(OW: i32, kw: i32, sw: i32): i32 {
  const owv = (OW + 3) & ~3;
  return sw == 1 ? ((owv + kw + 3) & ~3) : ((owv + (kw >> 1) + 4) & ~3);
}

/** Bytes of scratch for output rows OH x OW of a kh x kw window at strides sh, sw (sw 1 or 2). */
export function planesBytes(kh: i32, sh: i32, OH: i32, OW: i32, kw: i32, sw: i32): usize {
  const Hp = (OH - 1) * sh + kh;
  const rl = planeRowLen(OW, kw, sw);
  const planes = sw == 1 ? 1 : 2;
  return (<usize>Hp * <usize>rl * <usize>planes + <usize>(2 * rl + 8)) << 2;
}

/** Fills `bytes` of scratch at ws with the pad value v. */
export function padScratch(ws: usize, bytes: usize, v: f32): void {
  const vv = f32x4.splat(v);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(ws + i, vv);
  for (; i + 4 <= bytes; i += 4) store<f32>(ws + i, v);
}

/**
 * Copies one input plane xc [H, W] into the scratch planes (Hp padded rows of rl floats; see the
 * layout above); only the input's own rows and columns are written, so the padding keeps the value
 * the scratch was filled with.
 */
export function fillPlanes(xc: usize, H: i32, W: i32, ph: i32, pw: i32, Hp: i32, rl: i32, sw: i32, ev: usize, od: usize, tmp: usize): void {
  const rowBytes = <usize>rl << 2;
  // padded input columns a row needs: stride 1: rl; stride 2: 2 * rl
  const need = sw == 1 ? rl : 2 * rl;
  // input columns [0, cnt) land at padded columns [pw, pw + cnt) inside [0, need)
  const cnt = min(W, need - pw);
  if (cnt <= 0) return;
  const r0 = max(0, ph);
  const r1 = min(Hp, H + ph);
  for (let r = r0; r < r1; r++) {
    const d = (sw == 1 ? ev + <usize>r * rowBytes : tmp) + (<usize>pw << 2);
    const s = xc + ((<usize>(r - ph) * <usize>W) << 2);
    let q = 0;
    for (; q + 16 <= cnt; q += 16) {
      const o = <usize>q << 2;
      v128.store(d + o, v128.load(s + o));
      v128.store(d + o, v128.load(s + o, 16), 16);
      v128.store(d + o, v128.load(s + o, 32), 32);
      v128.store(d + o, v128.load(s + o, 48), 48);
    }
    for (; q + 4 <= cnt; q += 4) v128.store(d + (<usize>q << 2), v128.load(s + (<usize>q << 2)));
    for (; q < cnt; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>q << 2)));
    if (sw != 1) {
      // split the padded row into even and odd columns (rl is a multiple of 4: 2 loads -> 1 + 1 stores)
      const e = ev + <usize>r * rowBytes;
      const o = od + <usize>r * rowBytes;
      for (let k = 0; k < rl; k += 4) {
        const t = tmp + (<usize>k << 3);
        const a = v128.load(t);
        const bb = v128.load(t, 16);
        v128.store(e + (<usize>k << 2), v128.shuffle<f32>(a, bb, 0, 2, 4, 6));
        v128.store(o + (<usize>k << 2), v128.shuffle<f32>(a, bb, 1, 3, 5, 7));
      }
    }
  }
}
