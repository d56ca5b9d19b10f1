// Who a process is, beyond its pid: the pid plus the process's start time, so a pid reused by an unrelated
// process after a crash is not mistaken for the process that wrote it down.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Linux: /proc/<pid>/stat field 22 (clock ticks after boot); macOS/BSD: `ps -o lstart=`; null where unknown. */
  startTime: string | null;
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so count after the last ')'. */
export function startTimeFromProcStat(stat: string): string | null {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is index 19.
  const value = afterName[19];
  return value && /^\d+$/.test(value) ? value : null;
}

export function processStartTime(pid: number): string | null {
  try {
    if (process.platform === 'linux') return startTimeFromProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (process.platform === 'win32') return null;
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started || null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let self: ProcessIdentity | null = null;

export function currentProcess(): ProcessIdentity {
  return (self ??= { pid: process.pid, startTime: processStartTime(process.pid) });
}

/**
 * True while the process that wrote `identity` still runs: its pid is alive and, where start times are known on
 * both sides, it started at the same moment. Without a start time (Windows) the pid alone decides.
 */
export function isProcessAlive(identity: ProcessIdentity): boolean {
  if (!Number.isInteger(identity.pid) || identity.pid <= 0 || !pidAlive(identity.pid)) return false;
  if (identity.startTime === null) return true;
  const now = processStartTime(identity.pid);
  return now === null || now === identity.startTime;
}
