// Small preferences kept in localStorage (theme, thumbnail size, …): read with a parser that refuses bad values,
// written without failing when storage is off (privacy settings): the choice then lasts until the page reloads.

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStore(): KeyValueStore | null {
  try {
    // reading it throws where storage is blocked; absent outside a browser (unit tests)
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null;
  }
}

/** The stored value parsed, or `fallback` when there is none, storage is off, or the parser refuses it (null). */
export function readStored<T>(key: string, parse: (raw: string) => T | null, fallback: T, store = defaultStore()): T {
  try {
    const raw = store?.getItem(key);
    if (raw === null || raw === undefined) return fallback;
    return parse(raw) ?? fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: string, store = defaultStore()): void {
  try {
    store?.setItem(key, value);
  } catch {
    // not remembered, still applied
  }
}
