// Checks, before fine-tuning, that the active backend has the gradient kernels that unfreezing the last N backbone
// layers needs, by running one tiny training step; if not, a clear UNAVAILABLE error instead of a silent fallback.
import type { Tensor } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { BackendName, Tf } from '../backbone/backend.js';
import { createMobileNetV2, MIN_INPUT_SIZE_PX, setTrainableFromLayer } from '../backbone/mobilenet-v2.js';

const PROBE_ALPHA = 0.35;
const PROBE_BATCH = 2;

/** Gradient kernels of the backbone's convolutions (Conv2D, DepthwiseConv2dNative). */
export const FINE_TUNE_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** tfjs says "Kernel 'X' not registered for backend 'Y'" or "'X' not yet implemented or not found in the registry". */
function missingKernel(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const match = /Kernel '([A-Za-z0-9]+)' not registered|'([A-Za-z0-9]+)' not yet implemented or not found/.exec(message);
  return match?.[1] ?? match?.[2] ?? null;
}

function unavailable(kernels: readonly string[], backend: BackendName): StudioError {
  const plural = kernels.length > 1 ? 's' : '';
  return new StudioError(
    'UNAVAILABLE',
    `Fine-tuning needs kernel${plural} ${kernels.join(', ')} on backend ${backend}, which does not have ${plural ? 'them' : 'it'}; use --backend cpu or tensorflow, or train the head only`,
    { kernels, backend },
  );
}

/** The convolution gradient kernels the active backend lacks (empty when fine-tuning can run). */
export function missingFineTuneKernels(tf: Tf): string[] {
  const backend = tf.getBackend();
  return FINE_TUNE_KERNELS.filter((name) => !tf.getKernel(name, backend));
}

/**
 * One SGD step on a randomly initialised 96 px MobileNetV2 with its last `lastN` layers trainable.
 * Returns when the backend can fine-tune (lastN 0 needs nothing); throws UNAVAILABLE naming the missing kernel otherwise.
 */
export function checkFineTuneSupport(tf: Tf, backend: BackendName, lastN: number): void {
  if (lastN === 0) return;
  const missing = missingFineTuneKernels(tf);
  if (missing.length > 0) throw unavailable(missing, backend);
  const model = createMobileNetV2(tf, { alpha: PROBE_ALPHA, inputSize: MIN_INPUT_SIZE_PX });
  try {
    setTrainableFromLayer(model, lastN);
    const optimizer = tf.train.sgd(1e-3);
    try {
      tf.tidy(() => {
        const x = tf.randomUniform([PROBE_BATCH, MIN_INPUT_SIZE_PX, MIN_INPUT_SIZE_PX, 3], -1, 1);
        optimizer.minimize(() => tf.mean(model.apply(x, { training: false }) as Tensor).asScalar());
      });
    } finally {
      optimizer.dispose();
    }
  } catch (error) {
    const kernel = missingKernel(error);
    if (!kernel) throw error;
    throw unavailable([kernel], backend);
  } finally {
    model.dispose();
  }
}
