// CSV lines as RFC 4180 has them: fields with a comma, quote or line break are quoted, quotes doubled.
export function csvLine(fields: ReadonlyArray<string | number | null>): string {
  return fields
    .map((field) => {
      const text = field === null ? '' : String(field);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}

/** Header and rows as one CSV text, each line ended by CRLF as RFC 4180 writes it. */
export function csvText(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return [header, ...rows].map((row) => `${csvLine(row)}\r\n`).join('');
}
