// EditHistory: Ctrl+Z reverts this window's newest edit whatever its kind; with nothing recorded it falls through to
// the label journal; a new edit ends the redo stack.
import { describe, expect, it } from 'vitest';
import { EditHistory } from '../../../../src-renderer/lib/state/edit-history.js';

describe('EditHistory', () => {
  it('undoes a removal made after a label change first, then the label change, and redoes them in reverse', () => {
    const history = new EditHistory();
    history.record({ kind: 'labels' });
    history.record({ kind: 'removal', removalId: 4, photoIds: [] });
    expect(history.nextUndo()).toEqual({ kind: 'removal', removalId: 4, photoIds: [] });
    history.undone({ kind: 'removal', removalId: 4, photoIds: [7, 8] });
    expect(history.nextUndo()).toEqual({ kind: 'labels' });
    history.undone({ kind: 'labels' });
    expect(history.nextRedo()).toEqual({ kind: 'labels' });
    history.redone({ kind: 'labels' });
    expect(history.nextRedo()).toEqual({ kind: 'removal', removalId: 4, photoIds: [7, 8] });
    history.redone({ kind: 'removal', removalId: 5, photoIds: [7, 8] });
    expect(history.nextUndo()).toEqual({ kind: 'removal', removalId: 5, photoIds: [7, 8] });
  });

  it('falls through to the label journal when this window recorded nothing, and a new edit ends the redo stack', () => {
    const history = new EditHistory();
    expect(history.nextUndo()).toEqual({ kind: 'labels' });
    history.record({ kind: 'removal', removalId: 1, photoIds: [] });
    history.undone({ kind: 'removal', removalId: 1, photoIds: [3] });
    history.record({ kind: 'labels' });
    expect(history.nextRedo()).toEqual({ kind: 'labels' });
  });
});
