// Class probabilities arrive as a record keyed by class id or by class name (the contract leaves it open);
// these helpers accept either, so the views don't care.
import type { ClassInfo } from '../../../src-main/api/schemas.js';

export interface ClassProbability {
  key: string;
  cls: ClassInfo | undefined;
  p: number;
}

function classForKey(key: string, classes: readonly ClassInfo[]): ClassInfo | undefined {
  return classes.find((c) => String(c.id) === key) ?? classes.find((c) => c.name === key);
}

/** Highest first. */
export function listProbabilities(probabilities: Record<string, number>, classes: readonly ClassInfo[]): ClassProbability[] {
  return Object.entries(probabilities)
    .map(([key, p]) => ({ key, cls: classForKey(key, classes), p }))
    .sort((a, b) => b.p - a.p);
}

export function probabilityOf(probabilities: Record<string, number>, cls: ClassInfo | undefined): number | null {
  if (!cls) return null;
  return probabilities[String(cls.id)] ?? probabilities[cls.name] ?? null;
}
