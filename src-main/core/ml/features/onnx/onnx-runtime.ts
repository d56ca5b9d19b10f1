// Loads onnxruntime-node once per process (or says why it cannot) and opens inference sessions sized to the machine:
// CPU execution provider with one intra-op thread per core, or the GPU provider named in STUDIO_ONNX_EP first.
import os from 'node:os';
import type * as OrtModule from 'onnxruntime-node';
import { StudioError } from '../../../../api/errors.js';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;

/** Environment variable naming a GPU execution provider to try before the CPU one (README: "GPU"). */
export const ONNX_EP_ENV = 'STUDIO_ONNX_EP';
const KNOWN_PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu'] as const;

export type OrtLoad = { ok: true; ort: Ort } | { ok: false; why: string };

let loading: Promise<OrtLoad> | null = null;

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/** The runtime, or why it did not load (missing package, no binary for this OS/CPU, a broken install). */
export function loadOnnxRuntime(): Promise<OrtLoad> {
  loading ??= import('onnxruntime-node').then(
    (module): OrtLoad => {
      const ort = ((module as unknown as { default?: Ort }).default ?? module) as Ort;
      return typeof ort.InferenceSession?.create === 'function' ? { ok: true, ort } : { ok: false, why: 'onnxruntime-node loaded without an InferenceSession' };
    },
    (error: unknown): OrtLoad => ({ ok: false, why: `onnxruntime-node failed to load: ${firstLine(error)}` }),
  );
  return loading;
}

/** One intra-op thread per core: the embedding runs in one session, decoding uses sharp's own threads meanwhile. */
export function intraOpThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/** Execution providers in order of preference: the one from STUDIO_ONNX_EP (if any), then always the CPU. */
export function executionProviders(env: NodeJS.ProcessEnv = process.env): string[] {
  const wanted = env[ONNX_EP_ENV]?.trim().toLowerCase();
  if (!wanted || wanted === 'cpu') return ['cpu'];
  if (!(KNOWN_PROVIDERS as readonly string[]).includes(wanted)) {
    throw new StudioError('INVALID_INPUT', `${ONNX_EP_ENV}: expected one of cpu, ${KNOWN_PROVIDERS.join(', ')}, received ${JSON.stringify(wanted)}`);
  }
  return [wanted, 'cpu'];
}

/** Why the GPU provider asked for in STUDIO_ONNX_EP could not start (the session then runs on the CPU). */
let providerFallback: string | null = null;

export function describeOnnxEngine(): string {
  const providers = executionProviders();
  const used = providerFallback ? `cpu execution provider (${providerFallback})` : `${providers.join(' → ')} execution provider${providers.length > 1 ? 's' : ''}`;
  return `${used}, ${intraOpThreads()} intra-op threads`;
}

function open(ort: Ort, model: string | Uint8Array, providers: string[]): Promise<OrtSession> {
  const options: OrtModule.InferenceSession.SessionOptions = {
    executionProviders: providers,
    intraOpNumThreads: intraOpThreads(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

export async function createOrtSession(ort: Ort, model: string | Uint8Array): Promise<OrtSession> {
  const providers = executionProviders();
  try {
    try {
      const session = await open(ort, model, providers);
      if (providers.length > 1) providerFallback = null;
      return session;
    } catch (error) {
      if (providers.length === 1) throw error;
      const session = await open(ort, model, ['cpu']);
      providerFallback = `${providers[0]} unavailable: ${firstLine(error)}`;
      return session;
    }
  } catch (error) {
    throw new StudioError('UNAVAILABLE', `ONNX Runtime could not open the model${typeof model === 'string' ? ` ${model}` : ''}: ${firstLine(error)}`);
  }
}
