// Class probabilities as every response carries them: one entry per class of the run, in the run's class order.
import { z } from 'zod';

export const ClassProbability = z.object({ classId: z.number().int(), name: z.string(), p: z.number() });
export type ClassProbability = z.infer<typeof ClassProbability>;

/** In the run's class order (not sorted by p); the same classes a run's metrics list. */
export const ClassProbabilities = z.array(ClassProbability);
export type ClassProbabilities = z.infer<typeof ClassProbabilities>;
