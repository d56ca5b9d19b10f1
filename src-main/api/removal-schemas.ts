// Schemas of removing photos from the library (and restoring them) and of browsing the server's folders.
import { z } from 'zod';
import { Id, PhotoStatus, SkippedFile } from './schemas.js';

export const RemovalScope = z.enum(['ids', 'folder', 'missing']);
export type RemovalScope = z.infer<typeof RemovalScope>;

/** Exactly one of photoIds, folder (absolute; the photos in it and below it) or missing (photos whose file is gone). */
export const RemoveRequest = z
  .object({
    photoIds: z.array(Id).min(1).max(100_000).optional(),
    folder: z.string().min(1).max(4096).optional(),
    missing: z.literal(true).optional(),
    /** list what would be removed, change nothing */
    dryRun: z.boolean().default(false),
  })
  .refine((r) => [r.photoIds, r.folder, r.missing].filter((v) => v !== undefined).length === 1, {
    message: 'expected exactly one of photoIds, folder or missing',
  });
export type RemoveRequest = z.output<typeof RemoveRequest>;

/** The most photos a removal report lists one by one (the counts cover all). */
export const REMOVAL_LIST_LIMIT = 1000;

export const RemovedPhoto = z.object({ id: Id, path: z.string(), className: z.string().nullable(), status: PhotoStatus });
export const RemovalReport = z.object({
  /** what restores them (photos.restore); null on a dry run or when nothing matched */
  removalId: Id.nullable(),
  dryRun: z.boolean(),
  scope: RemovalScope,
  folder: z.string().nullable(),
  count: z.number().int(),
  labeled: z.number().int(),
  /** the first REMOVAL_LIST_LIMIT photos, by path */
  photos: z.array(RemovedPhoto),
});
export type RemovalReport = z.infer<typeof RemovalReport>;

/** Without removalId: the latest removal not restored yet. */
export const RestoreRequest = z.object({ removalId: Id.optional() });
export const RestoreReport = z.object({
  removalId: Id,
  restored: z.number().int(),
  /** ids of the restored photos (a photo whose id was taken meanwhile gets a new one) */
  photoIds: z.array(Id),
  /** photos not restored, with the reason (their path is back in the library through a later import) */
  skipped: z.array(SkippedFile),
});
export type RestoreReport = z.infer<typeof RestoreReport>;

/** Without path: the server's home folder. */
export const BrowseFoldersRequest = z.object({ path: z.string().min(1).max(4096).optional() });
export const BrowsedFolder = z.object({
  name: z.string(),
  path: z.string(),
  /** image files directly in it; null when it could not be read or counting ran out of time */
  photos: z.number().int().nullable(),
  /** why it could not be read (one line naming the folder), else null */
  error: z.string().nullable(),
});
export const FolderListing = z.object({
  path: z.string(),
  /** null at the file system's root */
  parent: z.string().nullable(),
  home: z.string(),
  /** image files directly in this folder */
  photos: z.number().int(),
  /** subfolders, hidden (dot) ones left out, in natural name order */
  folders: z.array(BrowsedFolder),
});
export type FolderListing = z.infer<typeof FolderListing>;
