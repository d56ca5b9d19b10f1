// The folder tree: nesting by path, counts that include subfolders, collapsed chains, visible rows.
import { describe, expect, it } from 'vitest';
import { ancestorPaths, buildFolderTree, visibleFolderRows } from '../../../../src-renderer/lib/utils/folder-tree.js';

const FOLDERS = [
  { folder: '/home/me/photos/hikes/2023', photos: 2 },
  { folder: '/home/me/photos/hikes/2024', photos: 5 },
  { folder: '/home/me/photos/hikes/2024/alps', photos: 3 },
  { folder: '/home/me/photos/hikes/2024/alps/day10', photos: 1 },
  { folder: '/home/me/photos/hikes/2024/alps/day9', photos: 4 },
];

describe('buildFolderTree', () => {
  it('collapses the folders above the first one with photos or a fork into one node', () => {
    const [top] = buildFolderTree(FOLDERS);
    expect(top).toMatchObject({ path: '/home/me/photos/hikes', name: '/home/me/photos/hikes', photos: 15 });
    expect(top!.children.map((c) => [c.name, c.path, c.photos])).toEqual([
      ['2023', '/home/me/photos/hikes/2023', 2],
      ['2024', '/home/me/photos/hikes/2024', 13],
    ]);
  });

  it('counts the photos of a folder and all its subfolders, and orders subfolders naturally', () => {
    const alps = buildFolderTree(FOLDERS)[0]!.children[1]!.children[0]!;
    expect(alps).toMatchObject({ name: 'alps', photos: 8 });
    expect(alps.children.map((c) => c.name)).toEqual(['day9', 'day10']);
  });

  it('keeps Windows paths with their drive and backslashes', () => {
    const [drive] = buildFolderTree([{ folder: 'C:\\Photos\\a', photos: 1 }, { folder: 'C:\\Photos\\b', photos: 2 }]);
    expect(drive).toMatchObject({ name: 'C:\\Photos', path: 'C:\\Photos', photos: 3 });
    expect(drive!.children.map((c) => c.path)).toEqual(['C:\\Photos\\a', 'C:\\Photos\\b']);
  });

  it('gives an empty tree for an empty library', () => {
    expect(buildFolderTree([])).toEqual([]);
  });
});

describe('visibleFolderRows', () => {
  const tree = buildFolderTree(FOLDERS);

  it('shows the top folder only until it is expanded', () => {
    expect(visibleFolderRows(tree, new Set()).map((r) => [r.node.name, r.level, r.expandable])).toEqual([['/home/me/photos/hikes', 1, true]]);
  });

  it('lists the children of expanded folders one level deeper, depth first', () => {
    const rows = visibleFolderRows(tree, new Set(['/home/me/photos/hikes', '/home/me/photos/hikes/2024']));
    expect(rows.map((r) => [r.node.name, r.level])).toEqual([
      ['/home/me/photos/hikes', 1],
      ['2023', 2],
      ['2024', 2],
      ['alps', 3],
    ]);
  });

  it('finds the folders to expand to show a deep folder', () => {
    expect(ancestorPaths(tree, '/home/me/photos/hikes/2024/alps/day9')).toEqual([
      '/home/me/photos/hikes',
      '/home/me/photos/hikes/2024',
      '/home/me/photos/hikes/2024/alps',
    ]);
    expect(ancestorPaths(tree, '/elsewhere')).toEqual([]);
  });
});
