// The f32x4 multiply + add throughput of this runtime and CPU (AssemblyScript, compiled by
// bench/onnx-models.mjs at run time): the instruction mix of torchlet's 4x8 GEMM micro-kernel
// (per step two B vectors and four pre-broadcast A vectors loaded from L1 with plain v128 loads —
// a load32_splat costs an FP-pipe shuffle on x64 —, eight f32x4.mul and eight f32x4.add into eight
// accumulators) without the rest of the GEMM (packing, edges, C traffic).
// Wasm SIMD has no fused multiply-add in its default feature set (Node 20 has no relaxed SIMD), so
// a kernel doing a model's multiply-adds as mul + add needs at least flops / this rate.

/**
 * Runs `reps` passes of 128 steps (64 flops each) over an L1-resident packed A panel (8 KiB,
 * pre-broadcast) and B panel (4 KiB) at p, with the micro-kernel's pointer-bump loop; returns a lane
 * sum so that nothing is optimised away.
 */
export function mulAddSteps(reps: i32, p: usize): f32 {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (let r = 0; r < reps; r++) {
    let ap = p;
    let bp = p + 8192;
    const apEnd = ap + 8192;
    while (ap < apEnd) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      let a = v128.load(ap);
      c0 = f32x4.add(c0, f32x4.mul(a, b0));
      c1 = f32x4.add(c1, f32x4.mul(a, b1));
      a = v128.load(ap, 16);
      c2 = f32x4.add(c2, f32x4.mul(a, b0));
      c3 = f32x4.add(c3, f32x4.mul(a, b1));
      a = v128.load(ap, 32);
      c4 = f32x4.add(c4, f32x4.mul(a, b0));
      c5 = f32x4.add(c5, f32x4.mul(a, b1));
      a = v128.load(ap, 48);
      c6 = f32x4.add(c6, f32x4.mul(a, b0));
      c7 = f32x4.add(c7, f32x4.mul(a, b1));
      ap += 64;
      bp += 32;
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** A block for mulAddSteps (never freed: one per process). */
export function block(): usize {
  const p = heap.alloc(12288 + 16);
  for (let i: usize = 0; i < 12288; i += 4) store<f32>(p + i, <f32>(i & 60) * 0.001);
  return p;
}
