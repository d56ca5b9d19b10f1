// Small typed helpers over the ONNX protobuf bindings (the `onnx-proto` package: protobufjs code generated from the
// official onnx.proto): float initializers, nodes with attributes, typed inputs/outputs, and the encoded model.
import onnxProto from 'onnx-proto';
import { StudioError } from '../../../../api/errors.js';

const { onnx } = onnxProto;
export type OnnxNode = onnxProto.onnx.INodeProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;
export type OnnxValueInfo = onnxProto.onnx.IValueInfoProto;

/** IR version 8 (ONNX 1.10, what the bindings know); opset 13 has every operator used here. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

export type AttributeValue = number | number[] | string | { floats: number[] };

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  return { name, type: T.FLOATS, floats: value.floats };
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}, name?: string): OnnxNode {
  return {
    opType,
    input: inputs,
    output: outputs,
    name: name ?? outputs[0] ?? opType,
    attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  };
}

/** A float32 initializer; the values are copied into raw_data (little-endian, as ONNX requires). */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new StudioError('INTERNAL', `ONNX tensor ${name}: expected ${count} values for [${dims.join(', ')}], received ${values.length}`);
  }
  const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

export function int64Tensor(name: string, values: readonly number[]): OnnxTensor {
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] };
}

function tensorValue(name: string, dims: ReadonlyArray<number | string>, elemType: number): OnnxValueInfo {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** A float32 graph input/output; a string dimension is symbolic (e.g. the batch 'n'). */
export function floatValue(name: string, dims: ReadonlyArray<number | string>): OnnxValueInfo {
  return tensorValue(name, dims, onnx.TensorProto.DataType.FLOAT);
}

/** An int64 graph input/output (indices, TopK's k). */
export function int64Value(name: string, dims: ReadonlyArray<number | string>): OnnxValueInfo {
  return tensorValue(name, dims, onnx.TensorProto.DataType.INT64);
}

export interface OnnxModelSpec {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
  /** ModelProto.metadata_props: read by any ONNX runtime (InferenceSession metadata, Netron) */
  metadata?: Record<string, string>;
}

export function encodeModel(spec: OnnxModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'hike-photo-studio',
    producerVersion: '1',
    docString: spec.docString ?? '',
    graph: {
      name: spec.name,
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
