// The warm embedders of one studio, shared by reference count: a job borrows the embedder for its backbone and
// gives it back; switching backbone keeps the newest one warm and closes an older one only once no job uses it,
// so a predict on another backbone never closes the embedder under a running training.
import type { Embedder } from './embed.js';

interface Entry {
  key: string;
  embedder: Promise<Embedder>;
  users: number;
}

export interface SharedEmbedders {
  /** Runs `use` with the embedder for `key` (made by `create` when not warm), keeping it open until `use` settles. */
  borrow<T>(key: string, create: () => Promise<Embedder>, use: (embedder: Embedder) => Promise<T>): Promise<T>;
  /** Closes every embedder (the studio is closing; its jobs have stopped). */
  closeAll(): Promise<void>;
}

export function createSharedEmbedders(): SharedEmbedders {
  let warm: Entry | null = null;
  const entries = new Set<Entry>();

  const closeEntry = async (entry: Entry) => {
    entries.delete(entry);
    await (await entry.embedder.catch(() => null))?.close().catch(() => undefined);
  };
  const closeIfIdle = (entry: Entry) => {
    if (entry !== warm && entry.users === 0 && entries.has(entry)) void closeEntry(entry);
  };

  return {
    async borrow(key, create, use) {
      if (warm?.key !== key) {
        const previous = warm;
        warm = { key, embedder: create(), users: 0 };
        entries.add(warm);
        // a failed start must not stay warm
        const started = warm;
        started.embedder.catch(() => {
          if (warm === started) warm = null;
          entries.delete(started);
        });
        if (previous) closeIfIdle(previous);
      }
      const entry = warm;
      entry.users++;
      try {
        return await use(await entry.embedder);
      } finally {
        entry.users--;
        closeIfIdle(entry);
      }
    },
    async closeAll() {
      warm = null;
      await Promise.all([...entries].map(closeEntry));
    },
  };
}
