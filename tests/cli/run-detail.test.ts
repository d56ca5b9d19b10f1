// `studio run N` on a stored run: a fine-tuned run's headline says so, with the frozen head's result beside it,
// and `studio review` lists each item's class probabilities by name.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareRunLibrary } from '../api/contract-suite.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('studio run on a fine-tuned run', () => {
  it('prints the fine-tuned result and, beside it, the frozen head\'s with n and interval', async () => {
    const library = path.join(makeTempDir('studio-run-detail-'), 'library');
    prepareRunLibrary(library);
    const { code, stdout } = await runCli('run', '1', '--library', library);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fine-tuned: cross-validated accuracy \(out-of-fold\) 0\.8750 \(n = 8, 95% CI /);
    expect(stdout).toMatch(/frozen head \(same photos, no fine-tuning\): cross-validated accuracy \(out-of-fold\) 0\.7500 \(n = 8, 95% CI 0\.400–0\.930, Wilson\)/);
    const review = await runCli('review', '--queue', 'label-errors', '--library', library);
    expect(review.stdout).toMatch(/label alpaca\t.*alpaca 0\.200, other 0\.800/);
  });
});
