// The folder tree of the library's photos: folders nested by path, each with the photos in it and below it.
// Chains of folders that hold no photos themselves and only one subfolder collapse into one node
// ("/home/me/photos/hikes" instead of four levels), as VS Code's compact folders do.

export interface FolderNode {
  /** the absolute folder path the grid filter takes (this folder and everything below) */
  path: string;
  /** shown name: the last path part, or several joined when a chain was collapsed */
  name: string;
  /** photos in this folder and all its subfolders */
  photos: number;
  children: FolderNode[];
}

/** A node as a tree row: its depth (1 = top) for aria-level, and whether it has children. */
export interface FolderRow {
  node: FolderNode;
  level: number;
  expandable: boolean;
}

interface Building {
  path: string;
  name: string;
  direct: number;
  children: Map<string, Building>;
}

/** Splits a folder path into its parts, keeping the root ("/" or "C:") as the first part. */
function pathParts(folder: string): { root: string; parts: string[]; separator: string } {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const parts = folder.split(/[\\/]+/);
  if (parts[0] === '') return { root: '', parts: parts.slice(1).filter(Boolean), separator };
  return { root: parts[0]!, parts: parts.slice(1).filter(Boolean), separator };
}

function finish(node: Building, separator: string): FolderNode {
  let current = node;
  let name = node.name;
  // collapse a chain of single-child folders that hold no photos themselves
  while (current.direct === 0 && current.children.size === 1) {
    const only = [...current.children.values()][0]!;
    name = name === separator ? `${separator}${only.name}` : `${name}${separator}${only.name}`;
    current = only;
  }
  const children = [...current.children.values()].map((child) => finish(child, separator));
  children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }));
  return { path: current.path, name, photos: current.direct + children.reduce((sum, c) => sum + c.photos, 0), children };
}

/** Builds the tree from the folders that hold photos directly (`photos.folders`). */
export function buildFolderTree(folders: ReadonlyArray<{ folder: string; photos: number }>): FolderNode[] {
  const roots = new Map<string, Building>();
  let separator = '/';
  for (const { folder, photos } of folders) {
    const split = pathParts(folder);
    separator = split.separator;
    const rootPath = split.root === '' ? separator : split.root;
    let node: Building = roots.get(rootPath) ?? { path: rootPath, name: rootPath, direct: 0, children: new Map() };
    roots.set(rootPath, node);
    let at = split.root;
    for (const part of split.parts) {
      at = `${at}${separator}${part}`;
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { path: at, name: part, direct: 0, children: new Map() }));
      node = child;
    }
    node.direct += photos;
  }
  return [...roots.values()].map((root) => finish(root, separator));
}

/** The rows on screen: every top node, and the children of expanded nodes, depth first. */
export function visibleFolderRows(nodes: readonly FolderNode[], expanded: ReadonlySet<string>, level = 1): FolderRow[] {
  const rows: FolderRow[] = [];
  for (const node of nodes) {
    rows.push({ node, level, expandable: node.children.length > 0 });
    if (expanded.has(node.path)) rows.push(...visibleFolderRows(node.children, expanded, level + 1));
  }
  return rows;
}

/** The paths of a node and every node above it (to expand so a chosen folder is visible). */
export function ancestorPaths(nodes: readonly FolderNode[], path: string): string[] {
  for (const node of nodes) {
    if (node.path === path) return [];
    const below = ancestorPaths(node.children, path);
    if (below.length > 0 || node.children.some((c) => c.path === path)) return [node.path, ...below];
  }
  return [];
}
