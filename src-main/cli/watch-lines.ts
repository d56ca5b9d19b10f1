// What `studio serve --watch` prints per import of the watched folder: a line when photos arrived, and one line
// per file that could not be imported or predicted — each such file once, not at every later import.
import type { ImportSummary } from '../api/schemas.js';
import type { StudioError } from '../api/errors.js';

export function watchReporter(print: (line: string) => void): { onImport(summary: ImportSummary): void; onError(error: StudioError): void } {
  const reported = new Set<string>();
  const once = (key: string, line: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    print(line);
  };
  return {
    onImport(s) {
      const arrived = s.added + s.updated + s.moved + s.restored;
      const p = s.predictions;
      if (arrived > 0 || (p && p.predicted > 0)) {
        const predicted = p ? (p.error ? `; no predictions: ${p.error}` : `; predicted ${p.predicted} with run ${p.runId}`) : '';
        print(`Watched ${s.root}: ${s.added} added, ${s.updated} updated, ${s.moved} moved, ${s.restored} restored${predicted}`);
      }
      // hidden files are left out on purpose (the import lists them as skipped)
      for (const skip of s.skipped.filter((f) => !f.reason.startsWith('hidden'))) once(`import ${skip.path} ${skip.reason}`, `Watched ${s.root}: skipped ${skip.path}: ${skip.reason}`);
      for (const skip of p?.skipped ?? []) once(`predict ${skip.path} ${skip.reason}`, `Watched ${s.root}: not predicted ${skip.path}: ${skip.reason}`);
    },
    onError(error) {
      print(`Watched folder: ${error.message}`);
    },
  };
}
