// Which form fields an error is about, so its message is shown beside them: the core's `details.fields` (training
// settings it refused), or the paths of a request's schema issues (`details.issues`).
export function errorFields(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const details = (error as { details?: unknown }).details;
  if (typeof details !== 'object' || details === null) return [];
  const { fields, issues } = details as { fields?: unknown; issues?: unknown };
  const keys = new Set<string>();
  if (Array.isArray(fields)) for (const f of fields) if (typeof f === 'string' && f) keys.add(f);
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      const p = (issue as { path?: unknown } | null)?.path;
      if (Array.isArray(p) && p.length > 0) keys.add(p.map(String).join('.'));
    }
  }
  return [...keys];
}
