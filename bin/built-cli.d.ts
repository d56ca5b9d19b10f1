// Types of bin/built-cli.js (plain JavaScript, so bin/studio.js runs before tsx is registered).
export function freshBuiltCli(root: string): string | null;
