// Helpers shared by the attention shaders (attention.wgsl, attention-backward.wgsl), prepended by
// ts/backend/webgpu/attention.ts (WGSL module-scope declarations may come in any order). Both shaders
// declare the uniform `P` (bshape, sMl, sMs), the mask binding `Mf` and the override MASK_MODE.

/** Element offset of flattened batch index b (up to 3 batch dims, P.bshape) with strides s. */
fn batchOffset(b: u32, s: vec4<i32>) -> i32 {
  let i2 = b % P.bshape.z;
  let r = b / P.bshape.z;
  let i1 = r % P.bshape.y;
  let i0 = r / P.bshape.y;
  return i32(i0) * s.x + i32(i1) * s.y + i32(i2) * s.z;
}

/** The mask's additive value at (row, key): 0 without a mask, -3e38 where a bool mask is false. */
fn maskAt(base: i32, row: u32, key: u32) -> f32 {
  if (MASK_MODE == 0u) { return 0.0; }
  let e = base + i32(row) * P.sMl + i32(key) * P.sMs;
  if (MASK_MODE == 1u) {
    let word = bitcast<u32>(Mf[u32(e) >> 2u]);
    if (((word >> ((u32(e) & 3u) * 8u)) & 0xffu) == 0u) { return -3.0e38; }
    return 0.0;
  }
  return Mf[u32(e)];
}
