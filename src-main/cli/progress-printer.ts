// Progress on stderr: one rewritten line on a terminal, a line every few seconds when redirected.
import type { JobProgress } from '../api/schemas.js';
import type { CliIo } from './cli-context.js';

const LOG_INTERVAL_MS = 2000;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatProgress(p: Pick<JobProgress, 'stage' | 'done' | 'total' | 'ratePerSec' | 'etaSec' | 'message'>): string {
  const pct = p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
  const rate = p.ratePerSec > 0 ? `, ${p.ratePerSec.toFixed(1)}/s` : '';
  const eta = p.etaSec !== null && p.done < p.total ? `, ETA ${formatDuration(p.etaSec)}` : '';
  return `${p.stage}: ${p.done}/${p.total}${pct}${rate}${eta}${p.message ? ` — ${p.message}` : ''}`;
}

export function createProgressPrinter(io: CliIo): { update(p: JobProgress): void; line(text: string): void; end(): void } {
  let lastLogAt = 0;
  let lastStage = '';
  let open = false;
  return {
    update(p) {
      const text = formatProgress(p);
      if (io.stderrIsTty) {
        io.stderr(`\r\x1b[2K${text}`);
        open = true;
        return;
      }
      const now = Date.now();
      if (p.stage !== lastStage || p.done >= p.total || now - lastLogAt >= LOG_INTERVAL_MS) {
        io.stderr(`${text}\n`);
        lastLogAt = now;
        lastStage = p.stage;
      }
    },
    line(text) {
      if (open) io.stderr('\n');
      open = false;
      io.stderr(`${text}\n`);
    },
    end() {
      if (open) io.stderr('\n');
      open = false;
    },
  };
}
