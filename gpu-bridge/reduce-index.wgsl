// Index decoding shared by the reduction shaders (reduce, reduce-i64, moments, argreduce), which the
// launchers prepend to them (WGSL module-scope declarations may come in any order): the element
// offset of output o (kept dims P.oshape/P.ostride from P.off) and of reduced position r (reduced dims
// P.kshape/P.kstride). Each of those shaders declares the uniform `P` with these fields.

fn baseOf(o: u32) -> i32 {
  var rem = o;
  var off: i32 = i32(P.off);
  for (var d: i32 = i32(P.ndO) - 1; d >= 0; d = d - 1) {
    let s = P.oshape[u32(d) / 4u][u32(d) % 4u];
    off = off + i32(rem % s) * P.ostride[u32(d) / 4u][u32(d) % 4u];
    rem = rem / s;
  }
  return off;
}

fn redOf(r: u32) -> i32 {
  if (P.ndK == 1u) { return i32(r) * P.kstride[0][0]; }
  var rem = r;
  var off: i32 = 0;
  for (var d: i32 = i32(P.ndK) - 1; d >= 0; d = d - 1) {
    let s = P.kshape[u32(d) / 4u][u32(d) % 4u];
    off = off + i32(rem % s) * P.kstride[u32(d) / 4u][u32(d) % 4u];
    rem = rem / s;
  }
  return off;
}
