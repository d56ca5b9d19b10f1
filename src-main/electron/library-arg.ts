// The `--library <folder>` argument, read by the main process (from its command line) and by the core host.
export const LIBRARY_ARG = '--library';

export function libraryDirFromArgs(argv: readonly string[]): string | null {
  const index = argv.indexOf(LIBRARY_ARG);
  const value = index >= 0 ? argv[index + 1] : undefined;
  return value && !value.startsWith('--') ? value : null;
}
