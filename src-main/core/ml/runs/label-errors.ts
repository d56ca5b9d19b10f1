// Confident learning (Northcutt et al. 2021, https://arxiv.org/abs/1911.00068): which labeled photos are likely
// mislabeled, from (preferably out-of-fold) predicted probabilities.

export interface LabeledProbabilities {
  /** index of the given label in the class list */
  label: number;
  /** one probability per class */
  probabilities: readonly number[];
}

/** Per class: the mean probability of that class over the photos labeled with it ("self-confidence"). */
export function classThresholds(items: readonly LabeledProbabilities[], numClasses: number): number[] {
  const sums = new Array<number>(numClasses).fill(0);
  const counts = new Array<number>(numClasses).fill(0);
  for (const { label, probabilities } of items) {
    sums[label] = (sums[label] ?? 0) + (probabilities[label] ?? 0);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  // A class nobody is labeled with cannot claim a photo: threshold above any probability.
  return sums.map((s, c) => ((counts[c] ?? 0) === 0 ? Infinity : s / (counts[c] as number)));
}

/**
 * A photo is a suspect when its probability for its label is below that class's threshold while another class's
 * probability reaches its own threshold. Score = normalized margin (best other probability − given-label
 * probability): higher means more likely mislabeled. Returns null for photos that are not suspects.
 */
export function labelErrorScores(items: readonly LabeledProbabilities[], numClasses: number): Array<number | null> {
  const thresholds = classThresholds(items, numClasses);
  return items.map(({ label, probabilities }) => {
    const given = probabilities[label] ?? 0;
    if (given >= (thresholds[label] as number)) return null;
    let confidentOther = false;
    let bestOther = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      if (c === label) continue;
      const p = probabilities[c] ?? 0;
      if (p >= (thresholds[c] as number)) confidentOther = true;
      bestOther = Math.max(bestOther, p);
    }
    return confidentOther ? bestOther - given : null;
  });
}
