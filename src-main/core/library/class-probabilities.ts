// Builds the contract's class probabilities from a run's stored row (values in the run's class order).
import type { ClassProbabilities } from '../../api/class-probabilities.js';

export function toClassProbabilities(classes: ReadonlyArray<{ id: number; name: string }>, values: ArrayLike<number>): ClassProbabilities {
  return classes.map((c, i) => ({ classId: c.id, name: c.name, p: values[i] ?? 0 }));
}
