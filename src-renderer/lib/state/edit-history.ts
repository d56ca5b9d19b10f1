// The order of this window's undoable edits, so Ctrl+Z reverts the newest one whatever its kind: a label change
// (the core's label journal) or a removal from the library (restored by id). With nothing recorded, undo and
// redo fall through to the label journal, which also holds the edits of earlier sessions.
/** photoIds of a removal: what a redo removes again, known once it was restored */
export type Edit = { kind: 'labels' } | { kind: 'removal'; removalId: number; photoIds: number[] };

const LABELS: Edit = { kind: 'labels' };

export class EditHistory {
  #done: Edit[] = [];
  #undone: Edit[] = [];

  /** A new edit: what was undone can no longer be redone (the label journal discards its redo stack too). */
  record(edit: Edit): void {
    this.#done.push(edit);
    this.#undone = [];
  }

  nextUndo(): Edit {
    return this.#done.at(-1) ?? LABELS;
  }

  nextRedo(): Edit {
    return this.#undone.at(-1) ?? LABELS;
  }

  /** The edit nextUndo named was reverted; `redoAs` is what redoing it will do (a removal gets a new id). */
  undone(redoAs: Edit): void {
    this.#done.pop();
    this.#undone.push(redoAs);
  }

  redone(undoAs: Edit): void {
    this.#undone.pop();
    this.#done.push(undoAs);
  }
}
