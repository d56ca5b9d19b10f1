// Request and answer of "why this class?": a run's class activation map for one photo.
import { z } from 'zod';
import { Id } from './schemas.js';

export const ExplainRequest = z.object({
  photoId: Id,
  /** default: the latest finished run */
  runId: Id.optional(),
  /** the class to explain; default: the class the run predicts for the photo */
  classId: Id.optional(),
});
export type ExplainRequest = z.output<typeof ExplainRequest>;

const Fraction = z.number().min(0).max(1);

export const PhotoExplanation = z.object({
  runId: Id,
  photoId: Id,
  classId: Id,
  className: z.string(),
  /** the class's probability for the photo as the map saw it (the plain view) */
  probability: Fraction,
  /** 'cam' for a head that is one Dense layer after pooling, 'grad-cam' through hidden layers */
  method: z.enum(['cam', 'grad-cam']),
  /** the map has size × size cells (the backbone's last feature map) */
  size: z.number().int().positive(),
  /** size × size values in [0, 1], row-major; 1 is the cell that speaks most for the class */
  values: z.array(Fraction),
  /** where the map lies on the upright photo, in fractions of its width and height (the square the model saw) */
  region: z.object({ x: Fraction, y: Fraction, width: Fraction, height: Fraction }),
});
export type PhotoExplanation = z.infer<typeof PhotoExplanation>;
