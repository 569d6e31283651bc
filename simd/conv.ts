// Convolution kernels (f32, NCHW): im2col / col2im for one image (the GEMM-based conv, its input
// gradient and transposed conv use them around `sgemm`), and direct depthwise kernels
// (groups == C_in, any channel multiplier): on zero-padded scratch planes for dilation 1 and column
// stride 1 or 2 (dwconv2d_planes_f32), else row by row (dwconv2d_f32).
// Geometry for every kernel: input H x W, kernel kh x kw, stride sh/sw, leading padding ph/pw
// (the padded area reads as zero, trailing padding is implied by OH/OW), dilation dh/dw, output
// OH x OW. All positions are range-checked, so no geometry can read or write out of bounds.

import { fillPlanes, planeRowLen, planesBytes } from "./planes";

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// First output column whose input column (ow*sw - pw + off) is >= 0.
// @ts-ignore: decorator
@inline function colLo(off: i32, pw: i32, sw: i32): i32 {
  return max(0, ceilDiv(pw - off, sw));
}

// Last output column whose input column is < W.
// @ts-ignore: decorator
@inline function colHi(off: i32, pw: i32, sw: i32, W: i32, OW: i32): i32 {
  return min(OW - 1, floorDiv(W - 1 + pw - off, sw));
}

function zeroF32(p: usize, n: i32): void {
  if (n > 0) memory.fill(p, 0, <usize>n << 2);
}

/**
 * im2col for one image: x [C, H, W] -> col [C*kh*kw, OH*OW] (row (c*kh + i)*kw + j holds the
 * input pixels kernel tap (i, j) of channel c sees at every output position; padding reads 0).
 */
export function im2col_f32(x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, col: usize): void {
  const OHW = <usize>OH * <usize>OW;
  let dst = col;
  for (let c = 0; c < C; c++) {
    const xc = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j * dw;
        const lo = colLo(off, pw, sw);
        const hi = colHi(off, pw, sw, W, OW);
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh - ph + i * dh;
          const d = dst + ((<usize>oh * <usize>OW) << 2);
          if (ih < 0 || ih >= H || lo > hi) {
            zeroF32(d, OW);
            continue;
          }
          zeroF32(d, lo);
          const xr = xc + ((<usize>ih * <usize>W) << 2);
          if (sw == 1) {
            memory.copy(d + (<usize>lo << 2), xr + (<usize>(lo - pw + off) << 2), <usize>(hi - lo + 1) << 2);
          } else {
            for (let ow = lo; ow <= hi; ow++) {
              store<f32>(d + (<usize>ow << 2), load<f32>(xr + (<usize>(ow * sw - pw + off) << 2)));
            }
          }
          zeroF32(d + (<usize>(hi + 1) << 2), OW - hi - 1);
        }
        dst += OHW << 2;
      }
    }
  }
}

/**
 * col2im for one image: x [C, H, W] = sum of col [C*kh*kw, OH*OW] scattered back (x is overwritten,
 * or added to when `accumulate` != 0). A band of output rows starting at row r0 is the same call
 * with ph - r0*sh as the leading padding and the band's row count as OH (likewise for im2col).
 */
export function col2im_f32(col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, x: usize, accumulate: i32): void {
  if (!accumulate) zeroF32(x, C * H * W);
  const OHW = <usize>OH * <usize>OW;
  let src = col;
  for (let c = 0; c < C; c++) {
    const xc = x + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j * dw;
        const lo = colLo(off, pw, sw);
        const hi = colHi(off, pw, sw, W, OW);
        if (lo <= hi) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh - ph + i * dh;
            if (ih < 0 || ih >= H) continue;
            const s = src + ((<usize>oh * <usize>OW) << 2);
            const xr = xc + ((<usize>ih * <usize>W) << 2);
            if (sw == 1) {
              const d = xr + (<usize>(lo - pw + off) << 2);
              const sp = s + (<usize>lo << 2);
              const n = hi - lo + 1;
              let k = 0;
              for (; k + 4 <= n; k += 4) {
                const q = <usize>k << 2;
                v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(sp + q)));
              }
              for (; k < n; k++) {
                const q = <usize>k << 2;
                store<f32>(d + q, load<f32>(d + q) + load<f32>(sp + q));
              }
            } else {
              for (let ow = lo; ow <= hi; ow++) {
                const d = xr + (<usize>(ow * sw - pw + off) << 2);
                store<f32>(d, load<f32>(d) + load<f32>(s + (<usize>ow << 2)));
              }
            }
          }
        }
        src += OHW << 2;
      }
    }
  }
}

/**
 * One output row of a 3x3, stride-1 (horizontally), undilated depthwise conv whose three input rows
 * (r0, r0 + W, r0 + 2W) are all inside the image: interior columns keep their nine taps in f32x4
 * registers (one store per 4 outputs), the padded border columns are summed with bounds checks.
 */
function dw3x3Row(r0: usize, W: i32, wc: usize, b: f32, pw: i32, OW: i32, orow: usize): void {
  const r1 = r0 + (<usize>W << 2);
  const r2 = r1 + (<usize>W << 2);
  const w00 = load<f32>(wc), w01 = load<f32>(wc, 4), w02 = load<f32>(wc, 8);
  const w10 = load<f32>(wc, 12), w11 = load<f32>(wc, 16), w12 = load<f32>(wc, 20);
  const w20 = load<f32>(wc, 24), w21 = load<f32>(wc, 28), w22 = load<f32>(wc, 32);
  // interior: ow - pw >= 0 and ow - pw + 2 <= W - 1
  const lo = min(max(pw, 0), OW);
  const hi = min(OW - 1, W - 3 + pw);
  let ow = 0;
  // left border (scalar)
  for (; ow < lo; ow++) store<f32>(orow + (<usize>ow << 2), dw3x3At(r0, r1, r2, W, wc, b, ow - pw));
  if (lo <= hi) {
    const v00 = f32x4.splat(w00), v01 = f32x4.splat(w01), v02 = f32x4.splat(w02);
    const v10 = f32x4.splat(w10), v11 = f32x4.splat(w11), v12 = f32x4.splat(w12);
    const v20 = f32x4.splat(w20), v21 = f32x4.splat(w21), v22 = f32x4.splat(w22);
    const bv = f32x4.splat(b);
    for (; ow + 3 <= hi; ow += 4) {
      const q = <usize>(ow - pw) << 2;
      let acc = f32x4.add(bv, f32x4.mul(v00, v128.load(r0 + q)));
      acc = f32x4.add(acc, f32x4.mul(v01, v128.load(r0 + q, 4)));
      acc = f32x4.add(acc, f32x4.mul(v02, v128.load(r0 + q, 8)));
      acc = f32x4.add(acc, f32x4.mul(v10, v128.load(r1 + q)));
      acc = f32x4.add(acc, f32x4.mul(v11, v128.load(r1 + q, 4)));
      acc = f32x4.add(acc, f32x4.mul(v12, v128.load(r1 + q, 8)));
      acc = f32x4.add(acc, f32x4.mul(v20, v128.load(r2 + q)));
      acc = f32x4.add(acc, f32x4.mul(v21, v128.load(r2 + q, 4)));
      acc = f32x4.add(acc, f32x4.mul(v22, v128.load(r2 + q, 8)));
      v128.store(orow + (<usize>ow << 2), acc);
    }
  }
  // interior tail and right border (scalar)
  for (; ow < OW; ow++) store<f32>(orow + (<usize>ow << 2), dw3x3At(r0, r1, r2, W, wc, b, ow - pw));
}

/** bias + the 3x3 taps at input column c0 .. c0 + 2 of rows r0, r1, r2 (columns outside [0, W) read 0). */
function dw3x3At(r0: usize, r1: usize, r2: usize, W: i32, wc: usize, b: f32, c0: i32): f32 {
  let acc = b;
  for (let j = 0; j < 3; j++) {
    const c = c0 + j;
    if (c < 0 || c >= W) continue;
    const q = <usize>c << 2;
    acc += load<f32>(wc + (<usize>j << 2)) * load<f32>(r0 + q);
    acc += load<f32>(wc + (<usize>(3 + j) << 2)) * load<f32>(r1 + q);
    acc += load<f32>(wc + (<usize>(6 + j) << 2)) * load<f32>(r2 + q);
  }
  return acc;
}

/**
 * Depthwise conv: x [N, C, H, W], w [C*mult, 1, kh, kw], bias [C*mult] (0 = none) ->
 * out [N, C*mult, OH, OW]; output channel o reads input channel o / mult.
 * Each kernel tap adds a weighted, shifted input row into the output row (f32x4 when sw == 1).
 */
export function dwconv2d_f32(x: usize, w: usize, bias: usize, N: i32, C: i32, mult: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, out: usize): void {
  const CO = C * mult;
  const HW = <usize>H * <usize>W;
  const OHW = <usize>OH * <usize>OW;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < CO; o++) {
      const xc = x + (((<usize>n * <usize>C + <usize>(o / mult)) * HW) << 2);
      const oc = out + (((<usize>n * <usize>CO + <usize>o) * OHW) << 2);
      const wc = w + ((<usize>o * <usize>kh * <usize>kw) << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
      const bv = f32x4.splat(b);
      const fast3 = kh == 3 && kw == 3 && sw == 1 && dw == 1 && dh == 1;
      for (let oh = 0; oh < OH; oh++) {
        const orow = oc + ((<usize>oh * <usize>OW) << 2);
        const ih0 = oh * sh - ph;
        if (fast3 && ih0 >= 0 && ih0 + 2 < H) {
          dw3x3Row(xc + ((<usize>ih0 * <usize>W) << 2), W, wc, b, pw, OW, orow);
          continue;
        }
        let k = 0;
        for (; k + 4 <= OW; k += 4) v128.store(orow + (<usize>k << 2), bv);
        for (; k < OW; k++) store<f32>(orow + (<usize>k << 2), b);
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= H) continue;
          const xr = xc + ((<usize>ih * <usize>W) << 2);
          for (let j = 0; j < kw; j++) {
            const off = j * dw;
            const lo = colLo(off, pw, sw);
            const hi = colHi(off, pw, sw, W, OW);
            if (lo > hi) continue;
            const wv = load<f32>(wc + ((<usize>(i * kw + j)) << 2));
            if (sw == 1) {
              const wq = f32x4.splat(wv);
              const d = orow + (<usize>lo << 2);
              const s = xr + (<usize>(lo - pw + off) << 2);
              const cnt = hi - lo + 1;
              let q = 0;
              for (; q + 8 <= cnt; q += 8) {
                const p = <usize>q << 2;
                v128.store(d + p, f32x4.add(v128.load(d + p), f32x4.mul(wq, v128.load(s + p))));
                v128.store(d + p, f32x4.add(v128.load(d + p, 16), f32x4.mul(wq, v128.load(s + p, 16))), 16);
              }
              for (; q + 4 <= cnt; q += 4) {
                const p = <usize>q << 2;
                v128.store(d + p, f32x4.add(v128.load(d + p), f32x4.mul(wq, v128.load(s + p))));
              }
              for (; q < cnt; q++) {
                const p = <usize>q << 2;
                store<f32>(d + p, load<f32>(d + p) + wv * load<f32>(s + p));
              }
            } else {
              let ow = lo;
              if (sw == 2) {
                // even lanes of two loads; the last vector reads input column 2*ow+7-pw+off, kept < W
                const wq = f32x4.splat(wv);
                for (; ow + 3 <= hi && 2 * ow + 7 - pw + off < W; ow += 4) {
                  const sp = xr + (<usize>(2 * ow - pw + off) << 2);
                  const ev = v128.shuffle<f32>(v128.load(sp), v128.load(sp, 16), 0, 2, 4, 6);
                  const d = orow + (<usize>ow << 2);
                  v128.store(d, f32x4.add(v128.load(d), f32x4.mul(wq, ev)));
                }
              }
              for (; ow <= hi; ow++) {
                const d = orow + (<usize>ow << 2);
                store<f32>(d, load<f32>(d) + wv * load<f32>(xr + (<usize>(ow * sw - pw + off) << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** Adds bias[c] to every element of plane c of y [N, C, L] (in place). */
export function add_channel_bias_f32(y: usize, bias: usize, N: i32, C: i32, L: i32): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const b = load<f32>(bias + (<usize>c << 2));
      const bv = f32x4.splat(b);
      const p = y + (((<usize>n * <usize>C + <usize>c) * <usize>L) << 2);
      let k = 0;
      for (; k + 4 <= L; k += 4) {
        const q = p + (<usize>k << 2);
        v128.store(q, f32x4.add(v128.load(q), bv));
      }
      for (; k < L; k++) {
        const q = p + (<usize>k << 2);
        store<f32>(q, load<f32>(q) + b);
      }
    }
  }
}

/**
 * Depthwise conv input gradient: dx [N, C, H, W] (overwritten) from gy [N, C*mult, OH, OW] and
 * w [C*mult, 1, kh, kw]; the transpose of dwconv2d_f32 (each tap scatters a weighted gy row).
 */
export function dwconv2d_bwd_input_f32(gy: usize, w: usize, N: i32, C: i32, mult: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, dx: usize): void {
  zeroF32(dx, N * C * H * W);
  const CO = C * mult;
  const HW = <usize>H * <usize>W;
  const OHW = <usize>OH * <usize>OW;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < CO; o++) {
      const xc = dx + (((<usize>n * <usize>C + <usize>(o / mult)) * HW) << 2);
      const gc = gy + (((<usize>n * <usize>CO + <usize>o) * OHW) << 2);
      const wc = w + ((<usize>o * <usize>kh * <usize>kw) << 2);
      for (let oh = 0; oh < OH; oh++) {
        const grow = gc + ((<usize>oh * <usize>OW) << 2);
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= H) continue;
          const xr = xc + ((<usize>ih * <usize>W) << 2);
          for (let j = 0; j < kw; j++) {
            const off = j * dw;
            const lo = colLo(off, pw, sw);
            const hi = colHi(off, pw, sw, W, OW);
            if (lo > hi) continue;
            const wv = load<f32>(wc + ((<usize>(i * kw + j)) << 2));
            if (sw == 1) {
              const wq = f32x4.splat(wv);
              const d = xr + (<usize>(lo - pw + off) << 2);
              const s = grow + (<usize>lo << 2);
              const cnt = hi - lo + 1;
              let q = 0;
              for (; q + 4 <= cnt; q += 4) {
                const p = <usize>q << 2;
                v128.store(d + p, f32x4.add(v128.load(d + p), f32x4.mul(wq, v128.load(s + p))));
              }
              for (; q < cnt; q++) {
                const p = <usize>q << 2;
                store<f32>(d + p, load<f32>(d + p) + wv * load<f32>(s + p));
              }
            } else {
              for (let ow = lo; ow <= hi; ow++) {
                const d = xr + (<usize>(ow * sw - pw + off) << 2);
                store<f32>(d, load<f32>(d) + wv * load<f32>(grow + (<usize>ow << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Depthwise conv weight gradient: dwt [C*mult, 1, kh, kw] (overwritten) = sum over batch and output
 * positions of gy * the input pixel each tap saw (f32x4 dot products when sw == 1).
 */
export function dwconv2d_bwd_weight_f32(x: usize, gy: usize, N: i32, C: i32, mult: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, dwt: usize): void {
  const CO = C * mult;
  zeroF32(dwt, CO * kh * kw);
  const HW = <usize>H * <usize>W;
  const OHW = <usize>OH * <usize>OW;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < CO; o++) {
      const xc = x + (((<usize>n * <usize>C + <usize>(o / mult)) * HW) << 2);
      const gc = gy + (((<usize>n * <usize>CO + <usize>o) * OHW) << 2);
      const wc = dwt + ((<usize>o * <usize>kh * <usize>kw) << 2);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const off = j * dw;
          const lo = colLo(off, pw, sw);
          const hi = colHi(off, pw, sw, W, OW);
          if (lo > hi) continue;
          let acc = f32x4.splat(0);
          let accs: f32 = 0;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh - ph + i * dh;
            if (ih < 0 || ih >= H) continue;
            const xr = xc + ((<usize>ih * <usize>W) << 2);
            const grow = gc + ((<usize>oh * <usize>OW) << 2);
            if (sw == 1) {
              const s = xr + (<usize>(lo - pw + off) << 2);
              const g = grow + (<usize>lo << 2);
              const cnt = hi - lo + 1;
              let q = 0;
              for (; q + 4 <= cnt; q += 4) {
                const p = <usize>q << 2;
                acc = f32x4.add(acc, f32x4.mul(v128.load(g + p), v128.load(s + p)));
              }
              for (; q < cnt; q++) {
                const p = <usize>q << 2;
                accs += load<f32>(g + p) * load<f32>(s + p);
              }
            } else {
              for (let ow = lo; ow <= hi; ow++) {
                accs += load<f32>(grow + (<usize>ow << 2)) * load<f32>(xr + (<usize>(ow * sw - pw + off) << 2));
              }
            }
          }
          const tot = accs + (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
          const d = wc + ((<usize>(i * kw + j)) << 2);
          store<f32>(d, load<f32>(d) + tot);
        }
      }
    }
  }
}

// ---- depthwise conv on padded planes (dilation 1, column stride 1 or 2) -------------------------
// Per output channel, the input plane is first copied into a zero-padded scratch plane (stride 2:
// split into its even and odd padded columns; simd/planes.ts), so that every output vector is a plain sum of
// kh*kw weighted unaligned v128 loads with no bounds checks (borders, small 7x7 images and stride 2
// included). Measured against the row kernel above (dwconv2d_f32, still used for dilated and
// column-stride > 2 convs), 1 thread, 3x3: 96 ch 112x112 stride 2 1.00 -> 0.38 ms, 960 ch 7x7 0.16 ->
// 0.064 ms, 144 ch 56x56 0.37 -> 0.34 ms; MobileNetV2's 17 depthwise convs 5.4 -> 3.0 ms per run.

/** Bytes of scratch dwconv2d_planes_f32 needs (see simd/planes.ts). */
export function dwconv2d_ws_bytes(H: i32, kh: i32, sh: i32, OH: i32, OW: i32, kw: i32, sw: i32): usize {
  return planesBytes(kh, sh, OH, OW, kw, sw);
}

/**
 * Output channels [o0, o1) of every image of the depthwise conv x [N, C, H, W] * w [C*mult, 1, kh, kw]
 * (+ bias, 0 = none) -> out [N, C*mult, OH, OW] for dilation 1 and column stride sw in {1, 2}
 * (any row stride, padding, kernel size); ws: dwconv2d_ws_bytes bytes, 16-byte aligned.
 */
export function dwconv2d_planes_f32(x: usize, w: usize, bias: usize, N: i32, C: i32, mult: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, OH: i32, OW: i32, out: usize, o0: i32, o1: i32, ws: usize): void {
  const CO = C * mult;
  const HW = <usize>H * <usize>W;
  const OHW = <usize>OH * <usize>OW;
  const Hp = (OH - 1) * sh + kh;
  const rl = planeRowLen(OW, kw, sw);
  const plane = <usize>Hp * <usize>rl;
  const ev = ws;
  const od = ws + (plane << 2);
  const tmp = sw == 1 ? ws + (plane << 2) : ws + (plane << 3);
  memory.fill(ws, 0, planesBytes(kh, sh, OH, OW, kw, sw));
  for (let n = 0; n < N; n++) {
    let lastC = -1;
    for (let o = o0; o < o1; o++) {
      const c = o / mult;
      if (c != lastC) {
        fillPlanes(x + (((<usize>n * <usize>C + <usize>c) * HW) << 2), H, W, ph, pw, Hp, rl, sw, ev, od, tmp);
        lastC = c;
      }
      const oc = out + (((<usize>n * <usize>CO + <usize>o) * OHW) << 2);
      const wc = w + ((<usize>o * <usize>kh * <usize>kw) << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
      if (kh == 3 && kw == 3) dw3x3Planes(ev, od, rl, sh, sw, wc, b, OH, OW, oc);
      else dwGenericPlanes(ev, od, rl, sh, sw, kh, kw, wc, b, OH, OW, oc);
    }
  }
}

/** Stores the first `cnt` (< 4) lanes of v at p. */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, cnt: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cnt > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cnt > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** 3x3 taps (weights in registers) over the scratch planes; see dwconv2d_planes_f32. */
function dw3x3Planes(ev: usize, od: usize, rl: i32, sh: i32, sw: i32, wc: usize, b: f32, OH: i32, OW: i32, oc: usize): void {
  // specialised per column stride so that the tap offsets are constants
  if (sw == 1) dw3x3Rows(ev, ev, 4, 8, rl, sh, wc, b, OH, OW, oc);
  else dw3x3Rows(ev, od, 0, 4, rl, sh, wc, b, OH, OW, oc);
}

/**
 * Output rows of a 3x3 depthwise conv: tap column 0 reads plane `ev` at the output column, tap 1
 * plane `p1` at + off1 bytes, tap 2 plane `ev` at + off2 bytes (stride 1: one plane, 4 / 8; stride 2:
 * even plane, odd plane, even plane + 4).
 */
// @ts-ignore: decorator
@inline function dw3x3Rows(ev: usize, p1: usize, off1: usize, off2: usize, rl: i32, sh: i32, wc: usize, b: f32, OH: i32, OW: i32, oc: usize): void {
  const v00 = v128.load32_splat(wc), v01 = v128.load32_splat(wc, 4), v02 = v128.load32_splat(wc, 8);
  const v10 = v128.load32_splat(wc, 12), v11 = v128.load32_splat(wc, 16), v12 = v128.load32_splat(wc, 20);
  const v20 = v128.load32_splat(wc, 24), v21 = v128.load32_splat(wc, 28), v22 = v128.load32_splat(wc, 32);
  const bv = f32x4.splat(b);
  const rowBytes = <usize>rl << 2;
  const full = OW & ~3;
  for (let oh = 0; oh < OH; oh++) {
    const rb = <usize>(oh * sh) * rowBytes;
    const e0 = ev + rb, e1 = e0 + rowBytes, e2 = e1 + rowBytes;
    const q0 = p1 + rb, q1 = q0 + rowBytes, q2 = q1 + rowBytes;
    const orow = oc + ((<usize>oh * <usize>OW) << 2);
    for (let ow = 0; ow <= OW; ow += 4) {
      // the last pass (ow == full) is the partial tail vector, if any
      if (ow == full && ow == OW) break;
      const q = <usize>ow << 2;
      let a = f32x4.add(bv, f32x4.mul(v00, v128.load(e0 + q)));
      let c = f32x4.mul(v01, v128.load(q0 + q + off1));
      a = f32x4.add(a, f32x4.mul(v02, v128.load(e0 + q + off2)));
      c = f32x4.add(c, f32x4.mul(v10, v128.load(e1 + q)));
      a = f32x4.add(a, f32x4.mul(v11, v128.load(q1 + q + off1)));
      c = f32x4.add(c, f32x4.mul(v12, v128.load(e1 + q + off2)));
      a = f32x4.add(a, f32x4.mul(v20, v128.load(e2 + q)));
      c = f32x4.add(c, f32x4.mul(v21, v128.load(q2 + q + off1)));
      a = f32x4.add(a, f32x4.mul(v22, v128.load(e2 + q + off2)));
      const r = f32x4.add(a, c);
      if (ow < full) v128.store(orow + q, r);
      else storeLanes(orow + q, r, OW - ow);
    }
  }
}

/** Any kh x kw (weights loaded per tap) over the scratch planes; see dwconv2d_planes_f32. */
function dwGenericPlanes(ev: usize, od: usize, rl: i32, sh: i32, sw: i32, kh: i32, kw: i32, wc: usize, b: f32, OH: i32, OW: i32, oc: usize): void {
  const bv = f32x4.splat(b);
  const rowBytes = <usize>rl << 2;
  const full = OW & ~3;
  for (let oh = 0; oh < OH; oh++) {
    const rb = <usize>(oh * sh) * rowBytes;
    const orow = oc + ((<usize>oh * <usize>OW) << 2);
    for (let ow = 0; ow < OW; ow += 4) {
      const q = <usize>ow << 2;
      let a = bv;
      for (let i = 0; i < kh; i++) {
        const rr = rb + <usize>i * rowBytes;
        for (let j = 0; j < kw; j++) {
          const src = sw == 1 ? ev + rr + q + (<usize>j << 2) : ((j & 1) == 0 ? ev : od) + rr + q + (<usize>(j >> 1) << 2);
          a = f32x4.add(a, f32x4.mul(v128.load32_splat(wc + (<usize>(i * kw + j) << 2)), v128.load(src)));
        }
      }
      if (ow < full) v128.store(orow + q, a);
      else storeLanes(orow + q, a, OW - ow);
    }
  }
}
