// @ts-self-types="./index.d.ts"
/// <reference lib="esnext.disposable" preserve="true" />
/**
 * torchlet: PyTorch for every JavaScript runtime. `import * as torch from 'torchlet'`.
 * The module is ready on import (top-level await instantiates the wasm kernels).
 */
import { initKernels } from './backend/wasm.js';

await initKernels();

export * from './tensor/dtype.js';
export { Tensor, type Device } from './tensor/tensor.js';
export { scope, keep } from './tensor/scope.js';
export { Generator, manualSeed, initialSeed, defaultGenerator } from './tensor/random.js';
export * from './ops/creation.js';
export * from './ops/pointwise.js';
export * from './ops/shape.js';
export * from './ops/reduce.js';
export * from './ops/softmax.js';
export * from './ops/norm.js';
export * from './ops/indexing.js';
export * from './ops/movement.js';
export * from './ops/sorting.js';
export * from './ops/linalg.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions } from './ops/conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, type MaxPoolOptions, type AvgPoolOptions } from './ops/pool.js';
export { interpolate, pad, pixelShuffle, pixelUnshuffle, unfold, fold, type InterpolateOptions, type InterpolateMode, type PadMode } from './ops/spatial.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export * as autograd from './autograd/index.js';
export * as F from './nn/functional.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as utils from './data/utils.js';
export { save, load, loadMetadata } from './io/safetensors.js';
export { memory, setNumThreads, getNumThreads, setMemoryBudget, backends, shutdown } from './runtime.js';
export * as onnx from './io/onnx/index.js';
export * as train from './train/index.js';
export * as jit from './jit/index.js';
export * as quantization from './quantization/index.js';
export * as webgpu from './webgpu.js';
