// torchlet wasm module entry: the C-style boundary between the TypeScript library and the kernels.
// Exports an allocator over linear memory, a scratch area for shapes/strides, and re-exports every
// kernel from core-wasm/ (strided copy, casts, scalar kernels) and simd/ (v128 kernels). No GC
// objects cross the boundary: arguments are pointers (byte offsets), lengths, strides and dtype codes.

export * from "./copy";
export * from "./gather";
export * from "./sort";
export * from "../simd/elementwise";
export * from "../simd/reduce";
export * from "../simd/softmax";
export * from "../simd/norm";
export * from "../simd/select";
export * from "../simd/gemm";
export * from "../simd/optim";
export * from "../simd/conv";
export * from "../simd/pool";
export * from "../simd/qgemm";
export * from "../simd/epilogue";
export * from "../simd/winograd";

/** Allocates `nbytes` (16-byte aligned) in linear memory; returns 0 only if memory is exhausted. */
export function alloc(nbytes: usize): usize {
  return heap.alloc(nbytes > 0 ? nbytes : 16);
}

/** Frees a block returned by `alloc`. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

// 16 KiB scratch area the caller fills with i32 shapes/strides before a kernel call.
const ARGBUF_BYTES: i32 = 16384;
const argbuf = heap.alloc(ARGBUF_BYTES);

/** Pointer to the shared scratch area for shape/stride metadata (16 KiB of i32). */
export function argPtr(): usize {
  return argbuf;
}
