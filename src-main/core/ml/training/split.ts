// Stratified, seeded train/validation splits and k-fold assignment that keep near-duplicate groups on one side.
import { StudioError } from '../../../api/errors.js';
import { createRandom, deriveSeed, shuffleInPlace } from '../features/seeded-random.js';

export interface SplitPhoto {
  id: number;
  /** index of the photo's label in the run's class list */
  classIndex: number;
  /** photos.dup_group: photos sharing a group are near-duplicates and must not straddle a split */
  dupGroup: number | null;
  /**
   * Orders photos before the seeded shuffle. The content hash makes a split depend on the photos themselves, not on
   * the ids a library happened to give them (import order varies), so the same seed splits the same photos alike
   * in any library. Defaults to the id.
   */
  sortKey?: string;
}

export interface TrainValidationSplit {
  train: number[];
  validation: number[];
}

interface Unit {
  ids: number[];
  classIndex: number;
  key: string;
}

const keyOf = (photo: SplitPhoto): string => photo.sortKey ?? String(photo.id).padStart(16, '0');

/** Groups photos into units that move together; a unit's class is its majority label (ties: lowest index). */
function toUnits(photos: readonly SplitPhoto[]): Unit[] {
  const byGroup = new Map<number, SplitPhoto[]>();
  const units: Unit[] = [];
  for (const photo of photos) {
    if (photo.dupGroup === null) {
      units.push({ ids: [photo.id], classIndex: photo.classIndex, key: keyOf(photo) });
      continue;
    }
    const members = byGroup.get(photo.dupGroup) ?? [];
    members.push(photo);
    byGroup.set(photo.dupGroup, members);
  }
  for (const members of byGroup.values()) {
    const votes = new Map<number, number>();
    for (const m of members) votes.set(m.classIndex, (votes.get(m.classIndex) ?? 0) + 1);
    let classIndex = Infinity;
    let best = -1;
    for (const [c, n] of votes) {
      if (n > best || (n === best && c < classIndex)) {
        classIndex = c;
        best = n;
      }
    }
    const ids = members.map((m) => m.id).sort((a, b) => a - b);
    const key = members.map(keyOf).sort()[0] as string;
    units.push({ ids, classIndex, key });
  }
  // Sorting first makes the result independent of the order the caller listed the photos in.
  return units.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (a.ids[0] as number) - (b.ids[0] as number)));
}

function unitsByClass(units: Unit[]): Map<number, Unit[]> {
  const byClass = new Map<number, Unit[]>();
  for (const unit of units) {
    const list = byClass.get(unit.classIndex) ?? [];
    list.push(unit);
    byClass.set(unit.classIndex, list);
  }
  return new Map([...byClass].sort((a, b) => a[0] - b[0]));
}

function checkUniqueIds(photos: readonly SplitPhoto[]): void {
  const seen = new Set<number>();
  for (const p of photos) {
    if (seen.has(p.id)) throw new StudioError('INVALID_INPUT', `expected unique photo ids, received ${p.id} twice`);
    seen.add(p.id);
  }
}

/**
 * Per class, about `validationFraction` of the photos go to validation (at least one when the class has two or
 * more photos, and never all of them). Near-duplicate groups go whole to one side, so a class with groups can
 * land a little under its target.
 */
export function splitTrainValidation(
  photos: readonly SplitPhoto[],
  options: { validationFraction: number; seed: number },
): TrainValidationSplit {
  const { validationFraction, seed } = options;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new StudioError('INVALID_INPUT', `expected a validation fraction in [0, 1), received ${validationFraction}`);
  }
  checkUniqueIds(photos);
  const train: number[] = [];
  const validation: number[] = [];
  for (const [classIndex, units] of unitsByClass(toUnits(photos))) {
    shuffleInPlace(units, createRandom(deriveSeed(seed, 1, classIndex)));
    const count = units.reduce((n, u) => n + u.ids.length, 0);
    const target =
      validationFraction === 0 || count < 2
        ? 0
        : Math.min(count - 1, Math.max(1, Math.round(count * validationFraction)));
    let inValidation = 0;
    for (const unit of units) {
      if (inValidation + unit.ids.length <= target) {
        validation.push(...unit.ids);
        inValidation += unit.ids.length;
      } else {
        train.push(...unit.ids);
      }
    }
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/**
 * Stratified group k-fold: per class, units (largest first, seeded order otherwise) go to the fold holding the
 * fewest photos of that class so far, so each class is spread evenly (±1 without groups).
 * Returns photo id → fold index in [0, k).
 */
export function assignFolds(photos: readonly SplitPhoto[], options: { k: number; seed: number }): Map<number, number> {
  const { k, seed } = options;
  if (!Number.isInteger(k) || k < 2) throw new StudioError('INVALID_INPUT', `expected k ≥ 2 folds, received ${k}`);
  checkUniqueIds(photos);
  const units = toUnits(photos);
  if (units.length < k) {
    throw new StudioError('INVALID_INPUT', `expected at least ${k} photos (or duplicate groups) for ${k} folds, received ${units.length}`);
  }
  const foldTotals = new Array<number>(k).fill(0);
  const folds = new Map<number, number>();
  for (const [classIndex, classUnits] of unitsByClass(units)) {
    shuffleInPlace(classUnits, createRandom(deriveSeed(seed, 2, classIndex)));
    classUnits.sort((a, b) => b.ids.length - a.ids.length); // stable: keeps the seeded order among equal sizes
    const classTotals = new Array<number>(k).fill(0);
    for (const unit of classUnits) {
      let best = 0;
      for (let f = 1; f < k; f++) {
        const byClass = (classTotals[f] as number) - (classTotals[best] as number);
        if (byClass < 0 || (byClass === 0 && (foldTotals[f] as number) < (foldTotals[best] as number))) best = f;
      }
      for (const id of unit.ids) folds.set(id, best);
      classTotals[best] = (classTotals[best] as number) + unit.ids.length;
      foldTotals[best] = (foldTotals[best] as number) + unit.ids.length;
    }
  }
  return folds;
}
