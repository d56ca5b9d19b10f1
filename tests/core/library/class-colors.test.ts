import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLASS_COLORS, createClass, listClasses } from '../../../src-main/core/library/classes.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const root = makeTempDir();
let lib: Library | undefined;
let counter = 0;

afterEach(() => lib?.close());

describe('class colours', () => {
  it('gives new classes the Okabe–Ito colours in order, with no red and green pair among the first two', () => {
    lib = openLibrary(path.join(root, `lib${counter++}`));
    const made = ['alpaca', 'not_alpaca', 'bear'].map((name) => createClass(lib!.db, name));
    expect(made.map((c) => c.color)).toEqual(['#e69f00', '#56b4e9', '#009e73']);
    expect(new Set(CLASS_COLORS).size).toBe(CLASS_COLORS.length);
  });

  it('shows a class stored with the old red/green palette in the new colour of its slot, and keeps a chosen colour', () => {
    lib = openLibrary(path.join(root, `lib${counter++}`));
    const red = createClass(lib.db, 'alpaca', '#e6194b');
    const green = createClass(lib.db, 'not_alpaca', '#3CB44B');
    const own = createClass(lib.db, 'mine', '#123456');
    const shown = new Map(listClasses(lib.db).map((c) => [c.id, c.color]));
    expect([shown.get(red.id), shown.get(green.id), shown.get(own.id)]).toEqual(['#e69f00', '#56b4e9', '#123456']);
  });
});
