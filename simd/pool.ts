// Pooling and resampling kernels (f32). Window geometry arrives as per-axis index tables built on
// the TS side (one row of T input positions per output position, -1 = skipped), so one kernel
// covers plain, dilated, padded, ceil-mode and adaptive windows:
//   maxpool2d_f32      max over a 2-D window per plane, with int64 flat indices (ih*W + iw)
//                      (table-driven: adaptive windows)
//   maxpool2d_idx_f32 / maxpool2d_values_f32   regular windows (kernel, stride, padding,
//                      dilation, ceil mode), separable row/column passes on f32x4
//   maxpool2d_planes_f32   values only, dilation 1, column stride 1 or 2: on -inf-padded scratch
//                      planes (./planes.ts), every output vector a max of kh*kw plain loads
//   gather_plane_f32 / scatter_add_plane_f32   index gather within planes and its transpose
//                      (max-pool backward and its double backward)
//   resample_f32       out[o, l, i] = sum_t w[l, t] * x[o, idx[l, t], i] along one axis, and its
//                      transpose (scatter-add): interpolation, avg / adaptive-avg pooling and padding
//   repeat_last_f32    integer nearest upsampling of the last axis (the resample fast path)
// Every index is range-checked; out-of-range entries contribute nothing.

import { fillPlanes, padScratch, planeRowLen, planesBytes } from "./planes";

/**
 * Max pooling over planes x [P, H, W] -> out [P, OH, OW], ind [P, OH, OW] (i64, flat ih*W + iw).
 * hIdx [OH, Th] and wIdx [OW, Tw] list the input rows/cols of each window (-1 = none). NaN wins
 * (the last one, as in PyTorch).
 */
export function maxpool2d_f32(x: usize, P: i32, H: i32, W: i32, hIdx: usize, Th: i32, OH: i32, wIdx: usize, Tw: i32, OW: i32, out: usize, ind: usize): void {
  const HW = <usize>H * <usize>W;
  let o: usize = 0;
  for (let p = 0; p < P; p++) {
    const xp = x + ((<usize>p * HW) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best: f32 = -Infinity;
        let bi: i64 = -1;
        for (let a = 0; a < Th; a++) {
          const ih = load<i32>(hIdx + ((<usize>(oh * Th + a)) << 2));
          if (ih < 0 || ih >= H) continue;
          for (let b = 0; b < Tw; b++) {
            const iw = load<i32>(wIdx + ((<usize>(ow * Tw + b)) << 2));
            if (iw < 0 || iw >= W) continue;
            const k = ih * W + iw;
            const v = load<f32>(xp + (<usize>k << 2));
            if (bi < 0) bi = k;
            if (v > best || v != v) {
              best = v;
              bi = k;
            }
          }
        }
        store<f32>(out + (o << 2), best);
        store<i64>(ind + (o << 3), bi < 0 ? 0 : bi);
        o++;
      }
    }
  }
}

/** out [P, M] = x [P, L] gathered by ind [P, M] (i64, within each plane; out of range reads 0). */
export function gather_plane_f32(x: usize, P: i32, L: i32, ind: usize, M: i32, out: usize): void {
  for (let p = 0; p < P; p++) {
    const xp = x + ((<usize>p * <usize>L) << 2);
    for (let m = 0; m < M; m++) {
      const q = <usize>p * <usize>M + <usize>m;
      const k = load<i64>(ind + (q << 3));
      store<f32>(out + (q << 2), k >= 0 && k < <i64>L ? load<f32>(xp + (<usize>k << 2)) : 0);
    }
  }
}

/** out [P, L] = 0, then out[p, ind[p, m]] += g[p, m] (the transpose of gather_plane_f32). */
export function scatter_add_plane_f32(g: usize, P: i32, M: i32, ind: usize, L: i32, out: usize): void {
  if (P > 0 && L > 0) memory.fill(out, 0, (<usize>P * <usize>L) << 2);
  for (let p = 0; p < P; p++) {
    const op = out + ((<usize>p * <usize>L) << 2);
    for (let m = 0; m < M; m++) {
      const q = <usize>p * <usize>M + <usize>m;
      const k = load<i64>(ind + (q << 3));
      if (k >= 0 && k < <i64>L) {
        const d = op + (<usize>k << 2);
        store<f32>(d, load<f32>(d) + load<f32>(g + (q << 2)));
      }
    }
  }
}

/**
 * Resampling along one axis. transpose = 0: x [outer, Lin, inner] -> out [outer, Lout, inner],
 * out[o, l, :] = sum_t w[l, t] * x[o, idx[l, t], :]. transpose = 1: x [outer, Lout, inner] ->
 * out [outer, Lin, inner] (zeroed first), out[o, idx[l, t], :] += w[l, t] * x[o, l, :].
 * idx is i32 [Lout, T], w is f32 [Lout, T]; idx outside [0, Lin) is skipped.
 */
export function resample_f32(x: usize, outer: i32, Lin: i32, inner: i32, idx: usize, w: usize, T: i32, Lout: i32, out: usize, transpose: i32): void {
  const inRow = <usize>Lin * <usize>inner;
  const outRow = <usize>Lout * <usize>inner;
  // out-of-range entries read as 0 (a select, so 0 * inf never makes a NaN in padding)
  if (!transpose && inner == 1 && Lin > 0) {
    for (let o = 0; o < outer; o++) {
      const xs = x + ((<usize>o * inRow) << 2);
      const os = out + ((<usize>o * outRow) << 2);
      if (T == 1) {
        for (let l = 0; l < Lout; l++) {
          const q = <usize>l << 2;
          const k = load<i32>(idx + q);
          const ok = k >= 0 && k < Lin;
          const v = load<f32>(xs + (<usize>select<i32>(k, 0, ok) << 2));
          store<f32>(os + q, select<f32>(load<f32>(w + q) * v, 0, ok));
        }
      } else {
        for (let l = 0; l < Lout; l++) {
          let acc: f32 = 0;
          const base = <usize>(l * T);
          for (let t = 0; t < T; t++) {
            const q = (base + <usize>t) << 2;
            const k = load<i32>(idx + q);
            const ok = k >= 0 && k < Lin;
            const v = load<f32>(xs + (<usize>select<i32>(k, 0, ok) << 2));
            acc += select<f32>(load<f32>(w + q) * v, 0, ok);
          }
          store<f32>(os + (<usize>l << 2), acc);
        }
      }
    }
    return;
  }
  if (transpose) {
    if (outer > 0 && inRow > 0) memory.fill(out, 0, (<usize>outer * inRow) << 2);
    if (inner == 1) {
      for (let o = 0; o < outer; o++) {
        const xs = x + ((<usize>o * outRow) << 2);
        const os = out + ((<usize>o * inRow) << 2);
        let q = 0;
        for (let l = 0; l < Lout; l++) {
          const g = load<f32>(xs + (<usize>l << 2));
          for (let t = 0; t < T; t++, q++) {
            const k = load<i32>(idx + (<usize>q << 2));
            if (k < 0 || k >= Lin) continue;
            const d = os + (<usize>k << 2);
            store<f32>(d, load<f32>(d) + load<f32>(w + (<usize>q << 2)) * g);
          }
        }
      }
      return;
    }
  }
  for (let o = 0; o < outer; o++) {
    const xs = x + ((<usize>o * (transpose ? outRow : inRow)) << 2);
    const os = out + ((<usize>o * (transpose ? inRow : outRow)) << 2);
    for (let l = 0; l < Lout; l++) {
      const lrow = transpose ? xs + ((<usize>l * <usize>inner) << 2) : os + ((<usize>l * <usize>inner) << 2);
      if (!transpose) {
        if (inner == 1) {
          let acc: f32 = 0;
          for (let t = 0; t < T; t++) {
            const k = load<i32>(idx + ((<usize>(l * T + t)) << 2));
            if (k < 0 || k >= Lin) continue;
            acc += load<f32>(w + ((<usize>(l * T + t)) << 2)) * load<f32>(xs + (<usize>k << 2));
          }
          store<f32>(lrow, acc);
          continue;
        }
        if (T == 1) {
          const k0 = load<i32>(idx + (<usize>l << 2));
          const w0 = load<f32>(w + (<usize>l << 2));
          if (k0 >= 0 && k0 < Lin && w0 == 1) {
            // nearest / padding row: a plain copy
            memory.copy(lrow, xs + ((<usize>k0 * <usize>inner) << 2), <usize>inner << 2);
            continue;
          }
        }
        if (T == 2) {
          // fused two-tap row (linear interpolation): one pass, no zero fill
          const k0 = load<i32>(idx + ((<usize>(l * 2)) << 2));
          const k1 = load<i32>(idx + ((<usize>(l * 2 + 1)) << 2));
          const ok0 = k0 >= 0 && k0 < Lin;
          const ok1 = k1 >= 0 && k1 < Lin;
          if (ok0 && ok1) {
            const w0 = load<f32>(w + ((<usize>(l * 2)) << 2));
            const w1 = load<f32>(w + ((<usize>(l * 2 + 1)) << 2));
            const r0 = xs + ((<usize>k0 * <usize>inner) << 2);
            const r1 = xs + ((<usize>k1 * <usize>inner) << 2);
            const w0q = f32x4.splat(w0);
            const w1q = f32x4.splat(w1);
            let i = 0;
            for (; i + 4 <= inner; i += 4) {
              const q = <usize>i << 2;
              v128.store(lrow + q, f32x4.add(f32x4.mul(w0q, v128.load(r0 + q)), f32x4.mul(w1q, v128.load(r1 + q))));
            }
            for (; i < inner; i++) {
              const q = <usize>i << 2;
              store<f32>(lrow + q, w0 * load<f32>(r0 + q) + w1 * load<f32>(r1 + q));
            }
            continue;
          }
        }
        memory.fill(lrow, 0, <usize>inner << 2);
      }
      for (let t = 0; t < T; t++) {
        const k = load<i32>(idx + ((<usize>(l * T + t)) << 2));
        if (k < 0 || k >= Lin) continue;
        const wt = load<f32>(w + ((<usize>(l * T + t)) << 2));
        const krow = transpose ? os + ((<usize>k * <usize>inner) << 2) : xs + ((<usize>k * <usize>inner) << 2);
        // dst += wt * src, dst = transpose ? krow : lrow
        const dst = transpose ? krow : lrow;
        const src = transpose ? lrow : krow;
        const wq = f32x4.splat(wt);
        let i = 0;
        for (; i + 4 <= inner; i += 4) {
          const q = <usize>i << 2;
          v128.store(dst + q, f32x4.add(v128.load(dst + q), f32x4.mul(wq, v128.load(src + q))));
        }
        for (; i < inner; i++) {
          const q = <usize>i << 2;
          store<f32>(dst + q, load<f32>(dst + q) + wt * load<f32>(src + q));
        }
      }
    }
  }
}

/**
 * Max pooling values only (no indices) over planes x [P, H, W] -> out [P, OH, OW], separably:
 * a row pass takes the max over the kw taps of each input row into tmp [H, OW] (f32x4 for stride 1
 * and 2), a column pass takes the max over the kh rows (f32x4). Windows clipped to the input;
 * NaN propagates (f32x4.max / f32.max). tmp is scratch of H*OW floats.
 */
export function maxpool2d_values_f32(x: usize, P: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, out: usize, tmp: usize): void {
  const ninf = f32x4.splat(-Infinity);
  for (let p = 0; p < P; p++) {
    const xp = x + ((<usize>p * <usize>H * <usize>W) << 2);
    const op = out + ((<usize>p * <usize>OH * <usize>OW) << 2);
    for (let ih = 0; ih < H; ih++) {
      const xr = xp + ((<usize>ih * <usize>W) << 2);
      const tr = tmp + ((<usize>ih * <usize>OW) << 2);
      let q = 0;
      for (; q + 4 <= OW; q += 4) v128.store(tr + (<usize>q << 2), ninf);
      for (; q < OW; q++) store<f32>(tr + (<usize>q << 2), -Infinity);
      for (let b = 0; b < kw; b++) {
        const off = b * dw;
        const lo = max(0, sw > 0 ? ((pw - off) >= 0 ? (pw - off + sw - 1) / sw : -((off - pw) / sw)) : 0);
        const hiNum = W - 1 + pw - off;
        const hi = min(OW - 1, hiNum >= 0 ? hiNum / sw : -((-hiNum + sw - 1) / sw));
        if (lo > hi) continue;
        let ow = lo;
        if (sw == 1) {
          const sp = xr + (<usize>(lo - pw + off) << 2);
          const d = tr + (<usize>lo << 2);
          const cnt = hi - lo + 1;
          let k = 0;
          for (; k + 4 <= cnt; k += 4) {
            const r = <usize>k << 2;
            v128.store(d + r, f32x4.max(v128.load(d + r), v128.load(sp + r)));
          }
          ow = lo + k;
        } else if (sw == 2) {
          for (; ow + 3 <= hi && 2 * ow + 7 - pw + off < W; ow += 4) {
            const sp = xr + (<usize>(2 * ow - pw + off) << 2);
            const ev = v128.shuffle<f32>(v128.load(sp), v128.load(sp, 16), 0, 2, 4, 6);
            const d = tr + (<usize>ow << 2);
            v128.store(d, f32x4.max(v128.load(d), ev));
          }
        }
        for (; ow <= hi; ow++) {
          const d = tr + (<usize>ow << 2);
          store<f32>(d, Mathf.max(load<f32>(d), load<f32>(xr + (<usize>(ow * sw - pw + off) << 2))));
        }
      }
    }
    for (let oh = 0; oh < OH; oh++) {
      const orow = op + ((<usize>oh * <usize>OW) << 2);
      let q = 0;
      for (; q + 4 <= OW; q += 4) v128.store(orow + (<usize>q << 2), ninf);
      for (; q < OW; q++) store<f32>(orow + (<usize>q << 2), -Infinity);
      for (let a = 0; a < kh; a++) {
        const ih = oh * sh - ph + a * dh;
        if (ih < 0 || ih >= H) continue;
        const tr = tmp + ((<usize>ih * <usize>OW) << 2);
        let k = 0;
        for (; k + 4 <= OW; k += 4) {
          const r = <usize>k << 2;
          v128.store(orow + r, f32x4.max(v128.load(orow + r), v128.load(tr + r)));
        }
        for (; k < OW; k++) {
          const r = <usize>k << 2;
          store<f32>(orow + r, Mathf.max(load<f32>(orow + r), load<f32>(tr + r)));
        }
      }
    }
  }
}

/**
 * Max pooling with int64 indices (flat ih*W + iw per plane) for regular windows, separably and
 * branch-free (f32x4 compares + bitselect; random data makes scalar compares mispredict): a row
 * pass keeps, per input row, the max over the kw taps and its column (tmpV f32, tmpI i32 [H, OW]),
 * a column pass the max over the kh rows. Taps run in (h, w) order with a strict compare, so ties
 * keep the first position and the last NaN wins, as in PyTorch's kernel; a window of -inf reports
 * its first in-bounds position.
 */
export function maxpool2d_idx_f32(x: usize, P: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, OH: i32, OW: i32, out: usize, ind: usize, tmpV: usize, tmpI: usize): void {
  const ninf = f32x4.splat(-Infinity);
  const neg1 = i32x4.splat(-1);
  const lane = i32x4(0, 1, 2, 3);
  for (let p = 0; p < P; p++) {
    const xp = x + ((<usize>p * <usize>H * <usize>W) << 2);
    // row pass
    for (let ih = 0; ih < H; ih++) {
      const xr = xp + ((<usize>ih * <usize>W) << 2);
      const tv = tmpV + ((<usize>ih * <usize>OW) << 2);
      const ti = tmpI + ((<usize>ih * <usize>OW) << 2);
      let q = 0;
      for (; q + 4 <= OW; q += 4) {
        v128.store(tv + (<usize>q << 2), ninf);
        v128.store(ti + (<usize>q << 2), neg1);
      }
      for (; q < OW; q++) {
        store<f32>(tv + (<usize>q << 2), -Infinity);
        store<i32>(ti + (<usize>q << 2), -1);
      }
      for (let b = 0; b < kw; b++) {
        const off = b * dw;
        const lo = colLoP(off, pw, sw);
        const hi = colHiP(off, pw, sw, W, OW);
        let ow = lo;
        if (sw == 1) {
          for (; ow + 3 <= hi; ow += 4) {
            const iw0 = ow - pw + off;
            const v = v128.load(xr + (<usize>iw0 << 2));
            const d = <usize>ow << 2;
            const best = v128.load(tv + d);
            const bi = v128.load(ti + d);
            const take = v128.or(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), i32x4.lt_s(bi, i32x4.splat(0)));
            v128.store(tv + d, v128.bitselect(v, best, take));
            v128.store(ti + d, v128.bitselect(i32x4.add(i32x4.splat(iw0), lane), bi, take));
          }
        } else if (sw == 2) {
          for (; ow + 3 <= hi && 2 * ow + 7 - pw + off < W; ow += 4) {
            const iw0 = 2 * ow - pw + off;
            const sp = xr + (<usize>iw0 << 2);
            const v = v128.shuffle<f32>(v128.load(sp), v128.load(sp, 16), 0, 2, 4, 6);
            const d = <usize>ow << 2;
            const best = v128.load(tv + d);
            const bi = v128.load(ti + d);
            const take = v128.or(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), i32x4.lt_s(bi, i32x4.splat(0)));
            v128.store(tv + d, v128.bitselect(v, best, take));
            v128.store(ti + d, v128.bitselect(i32x4.add(i32x4.splat(iw0), i32x4.shl(lane, 1)), bi, take));
          }
        }
        for (; ow <= hi; ow++) {
          const iw = ow * sw - pw + off;
          const v = load<f32>(xr + (<usize>iw << 2));
          const d = <usize>ow << 2;
          const bi = load<i32>(ti + d);
          if (v > load<f32>(tv + d) || v != v || bi < 0) {
            store<f32>(tv + d, v);
            store<i32>(ti + d, iw);
          }
        }
      }
    }
    // column pass
    const op = <usize>p * <usize>OH * <usize>OW;
    for (let oh = 0; oh < OH; oh++) {
      const o0 = op + <usize>oh * <usize>OW;
      const ov = out + (o0 << 2);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        let best = ninf;
        let bi = neg1;
        for (let a = 0; a < kh; a++) {
          const ih = oh * sh - ph + a * dh;
          if (ih < 0 || ih >= H) continue;
          const q = (<usize>ih * <usize>OW + <usize>ow) << 2;
          const v = v128.load(tmpV + q);
          const col = v128.load(tmpI + q);
          const take = v128.or(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), i32x4.lt_s(bi, i32x4.splat(0)));
          best = v128.bitselect(v, best, take);
          bi = v128.bitselect(i32x4.add(i32x4.splat(ih * W), col), bi, take);
        }
        bi = i32x4.max_s(bi, i32x4.splat(0));
        v128.store(ov + (<usize>ow << 2), best);
        const ip = ind + ((o0 + <usize>ow) << 3);
        v128.store(ip, i64x2.extend_low_i32x4_s(bi));
        v128.store(ip, i64x2.extend_high_i32x4_s(bi), 16);
      }
      for (; ow < OW; ow++) {
        let best: f32 = -Infinity;
        let bi: i32 = -1;
        for (let a = 0; a < kh; a++) {
          const ih = oh * sh - ph + a * dh;
          if (ih < 0 || ih >= H) continue;
          const q = (<usize>ih * <usize>OW + <usize>ow) << 2;
          const v = load<f32>(tmpV + q);
          if (v > best || v != v || bi < 0) {
            best = v;
            bi = ih * W + load<i32>(tmpI + q);
          }
        }
        store<f32>(ov + (<usize>ow << 2), best);
        store<i64>(ind + ((o0 + <usize>ow) << 3), <i64>max(bi, 0));
      }
    }
  }
}

// First / last output column whose input column ow*sw - pw + off lies in [0, W).
// @ts-ignore: decorator
@inline function colLoP(off: i32, pw: i32, sw: i32): i32 {
  const a = pw - off;
  return max(0, a >= 0 ? (a + sw - 1) / sw : -((-a) / sw));
}

// @ts-ignore: decorator
@inline function colHiP(off: i32, pw: i32, sw: i32, W: i32, OW: i32): i32 {
  const a = W - 1 + pw - off;
  return min(OW - 1, a >= 0 ? a / sw : -((-a + sw - 1) / sw));
}

/** out [rows, L*r] repeats every element of x [rows, L] r times (nearest upsampling by an integer factor). */
export function repeat_last_f32(x: usize, rows: i32, L: i32, r: i32, out: usize): void {
  const n = <usize>rows * <usize>L;
  if (r == 2) {
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (i << 2));
      v128.store(out + (i << 3), v128.shuffle<f32>(v, v, 0, 0, 1, 1));
      v128.store(out + (i << 3), v128.shuffle<f32>(v, v, 2, 2, 3, 3), 16);
    }
    for (; i < n; i++) {
      const v = load<f32>(x + (i << 2));
      store<f32>(out + (i << 3), v);
      store<f32>(out + (i << 3), v, 4);
    }
    return;
  }
  let o = out;
  for (let i: usize = 0; i < n; i++) {
    const v = load<f32>(x + (i << 2));
    for (let t = 0; t < r; t++) {
      store<f32>(o, v);
      o += 4;
    }
  }
}

/** Bytes of scratch maxpool2d_planes_f32 needs. */
export function maxpool2d_ws_bytes(kh: i32, sh: i32, OH: i32, OW: i32, kw: i32, sw: i32): usize {
  return planesBytes(kh, sh, OH, OW, kw, sw);
}

/**
 * Max pooling values over planes x [P, H, W] -> out [P, OH, OW] for dilation 1 and column stride
 * sw in {1, 2} (any kernel, row stride, padding, ceil mode): each plane is copied into -inf-padded
 * scratch planes (ws: maxpool2d_ws_bytes bytes), then every output vector is the f32x4.max of its
 * kh*kw taps (NaN propagates, like maxpool2d_values_f32).
 */
export function maxpool2d_planes_f32(x: usize, P: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, OH: i32, OW: i32, out: usize, ws: usize): void {
  const Hp = (OH - 1) * sh + kh;
  const rl = planeRowLen(OW, kw, sw);
  const rowBytes = <usize>rl << 2;
  const plane = <usize>Hp * <usize>rl;
  const ev = ws;
  const od = ws + (plane << 2);
  const tmp = sw == 1 ? ws + (plane << 2) : ws + (plane << 3);
  padScratch(ws, planesBytes(kh, sh, OH, OW, kw, sw), -Infinity);
  const full = OW & ~3;
  for (let p = 0; p < P; p++) {
    fillPlanes(x + ((<usize>p * <usize>H * <usize>W) << 2), H, W, ph, pw, Hp, rl, sw, ev, od, tmp);
    const op = out + ((<usize>p * <usize>OH * <usize>OW) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const rb = <usize>(oh * sh) * rowBytes;
      const orow = op + ((<usize>oh * <usize>OW) << 2);
      for (let ow = 0; ow < OW; ow += 4) {
        const q = <usize>ow << 2;
        let m: v128;
        if (kh == 3 && kw == 3) {
          // the common 3x3 window, taps at constant offsets
          const e0 = ev + rb + q, e1 = e0 + rowBytes, e2 = e1 + rowBytes;
          if (sw == 1) {
            m = f32x4.max(f32x4.max(v128.load(e0), v128.load(e0, 4)), v128.load(e0, 8));
            m = f32x4.max(m, f32x4.max(f32x4.max(v128.load(e1), v128.load(e1, 4)), v128.load(e1, 8)));
            m = f32x4.max(m, f32x4.max(f32x4.max(v128.load(e2), v128.load(e2, 4)), v128.load(e2, 8)));
          } else {
            const o0 = od + rb + q, o1 = o0 + rowBytes, o2 = o1 + rowBytes;
            m = f32x4.max(f32x4.max(v128.load(e0), v128.load(o0)), v128.load(e0, 4));
            m = f32x4.max(m, f32x4.max(f32x4.max(v128.load(e1), v128.load(o1)), v128.load(e1, 4)));
            m = f32x4.max(m, f32x4.max(f32x4.max(v128.load(e2), v128.load(o2)), v128.load(e2, 4)));
          }
        } else {
          m = f32x4.splat(-Infinity);
          for (let i = 0; i < kh; i++) {
            const rr = rb + <usize>i * rowBytes + q;
            if (sw == 1) {
              for (let j = 0; j < kw; j++) m = f32x4.max(m, v128.load(ev + rr + (<usize>j << 2)));
            } else {
              for (let j = 0; j < kw; j++) m = f32x4.max(m, v128.load(((j & 1) == 0 ? ev : od) + rr + (<usize>(j >> 1) << 2)));
            }
          }
        }
        if (ow < full) v128.store(orow + q, m);
        else {
          store<f32>(orow + q, f32x4.extract_lane(m, 0));
          if (OW - ow > 1) store<f32>(orow + q, f32x4.extract_lane(m, 1), 4);
          if (OW - ow > 2) store<f32>(orow + q, f32x4.extract_lane(m, 2), 8);
        }
      }
    }
  }
}
