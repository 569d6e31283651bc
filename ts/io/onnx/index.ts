/** torch.onnx: InferenceSession (run ONNX models) and the ONNX model decoder. */
export { InferenceSession, type ProfileRecord, type SessionOptions } from './session.js';
export { decodeModel, decodeTensorProto, decodeSequenceProto, decodeOptionalProto } from './model.js';
export { tensorFromProto } from './tensor.js';
export { OnnxParseError } from './protobuf.js';
export { OnnxNodeError } from './ops/context.js';
export { exportModel as export, registerExporter, type ExportOptions } from './export.js';
