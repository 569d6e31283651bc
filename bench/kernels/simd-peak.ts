// The f32x4 multiply + add throughput of this runtime and CPU (AssemblyScript, compiled by
// bench/onnx-models.mjs at run time): the instruction mix of torchlet's 4x8 GEMM micro-kernel
// (per step two B vectors and four broadcast A values loaded from L1, eight f32x4.mul and eight
// f32x4.add into eight accumulators) without the rest of the GEMM (packing, edges, C traffic).
// Wasm SIMD has no fused multiply-add in its default feature set (Node 20 has no relaxed SIMD), so
// a kernel doing a model's multiply-adds as mul + add needs at least flops / this rate.

/** Runs `iters` steps (64 flops each) reading a 2 KiB L1-resident block at p; returns a lane sum so that nothing is optimised away. */
export function mulAddSteps(iters: i32, p: usize): f32 {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (let i = 0; i < iters; i++) {
    const q = p + ((<usize>(i & 63)) << 5);
    const b0 = v128.load(q), b1 = v128.load(q, 16);
    let a = v128.load32_splat(q, 4);
    c0 = f32x4.add(c0, f32x4.mul(a, b0));
    c1 = f32x4.add(c1, f32x4.mul(a, b1));
    a = v128.load32_splat(q, 8);
    c2 = f32x4.add(c2, f32x4.mul(a, b0));
    c3 = f32x4.add(c3, f32x4.mul(a, b1));
    a = v128.load32_splat(q, 12);
    c4 = f32x4.add(c4, f32x4.mul(a, b0));
    c5 = f32x4.add(c5, f32x4.mul(a, b1));
    a = v128.load32_splat(q, 20);
    c6 = f32x4.add(c6, f32x4.mul(a, b0));
    c7 = f32x4.add(c7, f32x4.mul(a, b1));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** A block for mulAddSteps (never freed: one per process). */
export function block(): usize {
  const p = heap.alloc(2048 + 16);
  for (let i: usize = 0; i < 2048; i += 4) store<f32>(p + i, <f32>(i & 60) * 0.001);
  return p;
}
