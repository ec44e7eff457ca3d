// The fast model computed without onnxruntime. Its graph (models/sinbin_models/fast_model.py) is a
// linear head per output over hashed n-gram ids: Gather the ids' weight rows, ReduceSum, Add the
// bias, Sigmoid, and optionally the alarm floor (toxicity raised to `floor` when the alarm head is
// at or over `cut`). onnxruntime materialises the gathered [rows, width, outputs] tensor and pads
// every row of a call to the longest; summing a message's rows in place is most of the fast
// path's CPU saved (bench/README.md). The weights are read from the same ONNX file, so one
// artefact serves both; a graph of any other shape is left to onnxruntime.
import protobuf from 'protobufjs/minimal.js';

export interface LinearHead {
  /** Outputs per message (columns of `weights`). */
  outputs: number;
  /** [rows, outputs], row-major; the last row is the padding id's (zeros). */
  weights: Float32Array;
  bias: Float32Array;
  alarm?: { cut: number; floor: number };
}

interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  floats?: Float32Array;
  ints?: number[];
}

interface Node {
  opType: string;
  inputs: string[];
  outputs: string[];
}

const FLOAT = 1;
const INT64 = 7;
// ONNX protobuf field numbers (onnx/onnx.proto): ModelProto.graph, GraphProto.node/.initializer,
// NodeProto.input/.output/.op_type, TensorProto.dims/.data_type/.float_data/.int64_data/.name/.raw_data.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;

function readNode(bytes: Uint8Array): Node {
  const r = protobuf.Reader.create(bytes);
  const node: Node = { opType: '', inputs: [], outputs: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) node.inputs.push(r.string());
    else if (field === 2) node.outputs.push(r.string());
    else if (field === 4) node.opType = r.string();
    else r.skipType(tag & 7);
  }
  return node;
}

function readTensor(bytes: Uint8Array): Tensor {
  const r = protobuf.Reader.create(bytes);
  const t: Tensor = { name: '', dims: [], dataType: 0 };
  const floats: number[] = [];
  let raw: Uint8Array | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const packed = (tag & 7) === 2;
    if (field === 1) {
      if (packed) for (const end = r.uint32() + r.pos; r.pos < end; ) t.dims.push(Number(r.int64()));
      else t.dims.push(Number(r.int64()));
    } else if (field === 2) t.dataType = r.int32();
    else if (field === 4) {
      if (packed) for (const end = r.uint32() + r.pos; r.pos < end; ) floats.push(r.float());
      else floats.push(r.float());
    } else if (field === 7) {
      t.ints ??= [];
      if (packed) for (const end = r.uint32() + r.pos; r.pos < end; ) t.ints.push(Number(r.int64()));
      else t.ints.push(Number(r.int64()));
    } else if (field === 8) t.name = r.string();
    else if (field === 9) raw = r.bytes();
    else r.skipType(tag & 7);
  }
  if (t.dataType === FLOAT) {
    // raw_data is little-endian float32; copied so the array is aligned and owns its memory.
    // (a Buffer's slice() is a view into a shared pool: copy into a fresh array instead).
    t.floats = raw ? new Float32Array(Uint8Array.from(raw).buffer) : Float32Array.from(floats);
  } else if (t.dataType === INT64 && raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    t.ints = Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return t;
}

const PLAIN = ['Gather', 'ReduceSum', 'Add', 'Sigmoid'];
const WITH_ALARM = [...PLAIN, 'Split', 'GreaterOrEqual', 'Cast', 'Mul', 'Max', 'Concat'];
const sameOps = (nodes: Node[], ops: string[]) => nodes.length === ops.length && nodes.every((n, i) => n.opType === ops[i]);

/**
 * The linear head in an ONNX file, or undefined when the graph is not exactly the shape
 * fast_model.py exports (then onnxruntime runs it).
 */
export function readLinearHead(onnx: Uint8Array, io: { input: string; output: string; paddingId: number }): LinearHead | undefined {
  const model = protobuf.Reader.create(onnx);
  let graph: Uint8Array | undefined;
  while (model.pos < model.len) {
    const tag = model.uint32();
    if (tag >>> 3 === MODEL_GRAPH) graph = model.bytes();
    else model.skipType(tag & 7);
  }
  if (!graph) return undefined;
  const nodes: Node[] = [];
  const init = new Map<string, Tensor>();
  const r = protobuf.Reader.create(graph);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === GRAPH_NODE) nodes.push(readNode(r.bytes()));
    else if (field === GRAPH_INITIALIZER) {
      const t = readTensor(r.bytes());
      init.set(t.name, t);
    } else r.skipType(tag & 7);
  }
  const alarmed = sameOps(nodes, WITH_ALARM);
  if (!alarmed && !sameOps(nodes, PLAIN)) return undefined;
  const [gather, reduce, add] = nodes as [Node, Node, Node];
  const weights = init.get(gather.inputs[0] ?? '');
  const bias = init.get(add.inputs[1] ?? '');
  const axes = init.get(reduce.inputs[1] ?? '');
  if (gather.inputs[1] !== io.input || nodes.at(-1)!.outputs[0] !== io.output) return undefined;
  if (!weights?.floats || weights.dims.length !== 2 || !bias?.floats || axes?.ints?.join() !== '1') return undefined;
  const [rows, outputs] = weights.dims as [number, number];
  if (bias.floats.length !== outputs || io.paddingId !== rows - 1) return undefined;
  const head: LinearHead = { outputs, weights: weights.floats, bias: bias.floats };
  if (alarmed) {
    const split = init.get(nodes[4]!.inputs[1] ?? '');
    const cut = init.get(nodes[5]!.inputs[1] ?? '')?.floats?.[0];
    const floor = init.get(nodes[7]!.inputs[1] ?? '')?.floats?.[0];
    if (split?.ints?.join() !== `1,${outputs - 2},1` || cut === undefined || floor === undefined) return undefined;
    head.alarm = { cut, floor };
  }
  return head;
}

let sums = new Float32Array(16);

/** Scores one message's ids into `out` at `at` (outputs values), as the ONNX graph would. */
export function scoreIds(head: LinearHead, ids: Int32Array, from: number, count: number, out: Float32Array, at: number): void {
  const k = head.outputs;
  const w = head.weights;
  if (k === 9) {
    scoreIds9(head, ids, from, count, out, at);
    return;
  }
  if (sums.length < k) sums = new Float32Array(k);
  const acc = sums;
  acc.fill(0, 0, k);
  // A float32 accumulator, as the graph's ReduceSum has; then the bias added.
  for (let i = from, end = from + count; i < end; i++) {
    const row = ids[i]! * k;
    for (let j = 0; j < k; j++) acc[j] = acc[j]! + w[row + j]!;
  }
  writeProbabilities(head, acc, out, at);
}

/** The graph's tail on summed rows: bias, sigmoid, and the alarm floor on toxicity (output 0). */
export function writeProbabilities(head: LinearHead, sums: Float32Array, out: Float32Array, at: number): void {
  const k = head.outputs;
  for (let j = 0; j < k; j++) out[at + j] = 1 / (1 + Math.exp(-(sums[j]! + head.bias[j]!)));
  if (head.alarm) {
    const floor = out[at + k - 1]! >= head.alarm.cut ? head.alarm.floor : 0;
    if (floor > out[at]!) out[at] = floor;
  }
}

/**
 * scoreIds for the nine outputs the shipped model has, the sums held in locals: the same float32
 * additions in the same order (Math.fround after each), without an array store per addition.
 * This loop was the fast path's largest single cost (bench/README.md).
 */
function scoreIds9(head: LinearHead, ids: Int32Array, from: number, count: number, out: Float32Array, at: number): void {
  const w = head.weights;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0;
  for (let i = from, end = from + count; i < end; i++) {
    const r = ids[i]! * 9;
    a0 = Math.fround(a0 + w[r]!);
    a1 = Math.fround(a1 + w[r + 1]!);
    a2 = Math.fround(a2 + w[r + 2]!);
    a3 = Math.fround(a3 + w[r + 3]!);
    a4 = Math.fround(a4 + w[r + 4]!);
    a5 = Math.fround(a5 + w[r + 5]!);
    a6 = Math.fround(a6 + w[r + 6]!);
    a7 = Math.fround(a7 + w[r + 7]!);
    a8 = Math.fround(a8 + w[r + 8]!);
  }
  const b = head.bias;
  // acc[j] + bias[j] was a float32 read widened to a double plus a float32: the same here.
  out[at] = 1 / (1 + Math.exp(-(a0 + b[0]!)));
  out[at + 1] = 1 / (1 + Math.exp(-(a1 + b[1]!)));
  out[at + 2] = 1 / (1 + Math.exp(-(a2 + b[2]!)));
  out[at + 3] = 1 / (1 + Math.exp(-(a3 + b[3]!)));
  out[at + 4] = 1 / (1 + Math.exp(-(a4 + b[4]!)));
  out[at + 5] = 1 / (1 + Math.exp(-(a5 + b[5]!)));
  out[at + 6] = 1 / (1 + Math.exp(-(a6 + b[6]!)));
  out[at + 7] = 1 / (1 + Math.exp(-(a7 + b[7]!)));
  out[at + 8] = 1 / (1 + Math.exp(-(a8 + b[8]!)));
  if (head.alarm) {
    const floor = out[at + 8]! >= head.alarm.cut ? head.alarm.floor : 0;
    if (floor > out[at]!) out[at] = floor;
  }
}
