// The shape every bench file returns, and how the runner prints it.
import os from 'node:os';

export interface BenchRow {
  label: string;
  value: number;
  unit: string;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  notes?: string;
}

export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function formatBenchResult(result: BenchResult): string {
  const width = Math.max(...result.rows.map((r) => r.label.length), 10);
  const lines = [`## ${result.name}`, ...result.rows.map((r) => `  ${r.label.padEnd(width)}  ${formatValue(r.value)} ${r.unit}`)];
  if (result.notes) lines.push(`  ${result.notes}`);
  return lines.join('\n');
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}
