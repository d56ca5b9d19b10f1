// Geometry of the virtualized thumbnail grid: columns, rows, the visible window (+ overscan) and hit-testing.
// Hand-written rather than a library: every cell has the same size, so windowing is a few lines of arithmetic
// (as in Immich's VirtualScrollManager), and the rubber band needs the same geometry the window uses.

export const CELL_GAP_PX = 6;
/** one caption line under a thumbnail (file name and label; the prediction is a second line) */
export const CELL_CAPTION_PX = 22;
/** Rows rendered above and below the viewport, so fast scrolling rarely shows empty rows. */
export const OVERSCAN_ROWS = 3;

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class VirtualGrid {
  viewportWidth = $state(0);
  viewportHeight = $state(0);
  scrollTop = $state(0);
  /** the thumbnail size chosen (slider, Ctrl/Cmd + and −): cells are at least this wide */
  cellMinPx = $state(150);
  /** caption lines under each thumbnail */
  captionLines = $state(1);
  readonly #totalOf: () => number;
  /** Number of cells: the filter's photo count (0 until its first page answers). */
  readonly total = $derived.by(() => this.#totalOf());

  constructor(totalOf: () => number, cellMinPx = 150) {
    this.#totalOf = totalOf;
    this.cellMinPx = cellMinPx;
  }

  readonly columns = $derived(Math.max(1, Math.floor((this.viewportWidth - CELL_GAP_PX) / (this.cellMinPx + CELL_GAP_PX))));
  /** Cells stretch to fill the row exactly. */
  readonly cellWidth = $derived(Math.max(this.cellMinPx, Math.floor((this.viewportWidth - CELL_GAP_PX) / this.columns) - CELL_GAP_PX));
  readonly captionHeight = $derived(CELL_CAPTION_PX * this.captionLines);
  readonly rowHeight = $derived(this.cellWidth + this.captionHeight + CELL_GAP_PX);
  readonly rowCount = $derived(Math.ceil(this.total / this.columns));
  readonly contentHeight = $derived(this.rowCount * this.rowHeight + CELL_GAP_PX);

  // Row bounds as plain numbers: deriveds compare by value, so the window below only changes when a row
  // boundary is crossed, not on every scroll event.
  readonly #firstVisibleRow = $derived(Math.max(0, Math.floor(this.scrollTop / this.rowHeight)));
  readonly #lastVisibleRow = $derived(Math.min(this.rowCount, Math.ceil((this.scrollTop + this.viewportHeight) / this.rowHeight)));
  readonly #windowStart = $derived(Math.min(this.total, Math.max(0, this.#firstVisibleRow - OVERSCAN_ROWS) * this.columns));
  readonly #windowEnd = $derived(Math.min(this.total, Math.min(this.rowCount, this.#lastVisibleRow + OVERSCAN_ROWS) * this.columns));

  /** Index range [start, end) of the cells to render (visible rows plus overscan). */
  readonly window = $derived({ start: this.#windowStart, end: this.#windowEnd });

  /** Index range of the cells actually on screen (no overscan). */
  readonly visible = $derived({ start: Math.min(this.total, this.#firstVisibleRow * this.columns), end: Math.min(this.total, this.#lastVisibleRow * this.columns) });

  cellRect(index: number): Rect {
    const row = Math.floor(index / this.columns);
    const column = index % this.columns;
    return {
      left: CELL_GAP_PX + column * (this.cellWidth + CELL_GAP_PX),
      top: CELL_GAP_PX + row * this.rowHeight,
      width: this.cellWidth,
      height: this.cellWidth + this.captionHeight,
    };
  }

  /** Changes the cell size or caption lines and scrolls so the anchor cell (the cursor, else the first one on
   *  screen) stays where it was on screen, or at least in view. */
  relayout(change: { cellMinPx?: number; captionLines?: number }, anchor: number): void {
    const offset = anchor >= 0 && anchor < this.total ? this.cellRect(anchor).top - this.scrollTop : null;
    if (change.cellMinPx !== undefined) this.cellMinPx = change.cellMinPx;
    if (change.captionLines !== undefined) this.captionLines = change.captionLines;
    if (offset === null) return;
    const maxTop = Math.max(0, this.contentHeight - this.viewportHeight);
    this.scrollTop = Math.min(maxTop, Math.max(0, this.cellRect(anchor).top - offset));
    const reveal = this.scrollTopToReveal(anchor);
    if (reveal !== null) this.scrollTop = reveal;
  }

  /** The cell under a point in content coordinates, or -1 in a gap or past the end. */
  indexAt(x: number, y: number): number {
    const column = Math.floor((x - CELL_GAP_PX) / (this.cellWidth + CELL_GAP_PX));
    const row = Math.floor((y - CELL_GAP_PX) / this.rowHeight);
    if (column < 0 || column >= this.columns || row < 0) return -1;
    const index = row * this.columns + column;
    return index < this.total ? index : -1;
  }

  /** Indices of every cell a rectangle (content coordinates) touches, for the rubber band. */
  indicesInRect(rect: Rect): number[] {
    const step = this.cellWidth + CELL_GAP_PX;
    const firstColumn = Math.max(0, Math.floor((rect.left - CELL_GAP_PX) / step));
    const lastColumn = Math.min(this.columns - 1, Math.floor((rect.left + rect.width - CELL_GAP_PX) / step));
    const firstRow = Math.max(0, Math.floor((rect.top - CELL_GAP_PX) / this.rowHeight));
    const lastRow = Math.min(this.rowCount - 1, Math.floor((rect.top + rect.height - CELL_GAP_PX) / this.rowHeight));
    const indices: number[] = [];
    for (let row = firstRow; row <= lastRow; row++) {
      for (let column = firstColumn; column <= lastColumn; column++) {
        const index = row * this.columns + column;
        if (index < this.total) indices.push(index);
      }
    }
    return indices;
  }

  /** Scroll position that brings a cell fully into view, or null when it already is. */
  scrollTopToReveal(index: number): number | null {
    const rect = this.cellRect(index);
    if (rect.top < this.scrollTop) return Math.max(0, rect.top - CELL_GAP_PX);
    if (rect.top + rect.height > this.scrollTop + this.viewportHeight) return rect.top + rect.height + CELL_GAP_PX - this.viewportHeight;
    return null;
  }
}
