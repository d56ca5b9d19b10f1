// The renderer's root state: one instance per window, holding the client and every state class, plus the few
// app-level things (current view, viewer, help). Components reach it through getStudio().
import { getContext, setContext } from 'svelte';
import type { StudioClient } from '../api/studio-client.js';
import { EditHistory } from './edit-history.js';
import { connection } from './connection.svelte.js';
import { ImportState } from './import.svelte.js';
import { BrowsePrefs } from './browse-prefs.svelte.js';
import { JobsState } from './jobs.svelte.js';
import { LabelKeys } from './label-keys.svelte.js';
import { Labeling } from './labeling.svelte.js';
import { LibraryState } from './library-state.svelte.js';
import { PhotoPages, type PhotoFilter } from './photo-pages.svelte.js';
import { Removals } from './removals.svelte.js';
import { ReviewState } from './review.svelte.js';
import { RunsState } from './runs.svelte.js';
import { Selection } from './selection.svelte.js';
import { TrainingState } from './training.svelte.js';
import { ViewerZoom } from './viewer-zoom.svelte.js';
import { VirtualGrid } from './virtual-grid.svelte.js';

export type ViewName = 'library' | 'train' | 'runs' | 'review';
export const VIEWS: ReadonlyArray<{ name: ViewName; title: string }> = [
  { name: 'library', title: 'Library' },
  { name: 'train', title: 'Train' },
  { name: 'runs', title: 'Runs' },
  { name: 'review', title: 'Review' },
];

export class StudioState {
  view = $state<ViewName>('library');
  helpOpen = $state(false);
  /** the class activation map over the photo in the viewer and the review (key H) */
  heatmapOn = $state(false);
  importOpen = $state(false);
  curateOpen = $state(false);
  removeOpen = $state(false);
  /** Grid index of the photo open in the viewer; -1 when closed. */
  viewerIndex = $state(-1);
  /** Bumped to ask the grid to take the keyboard focus (it is the one place grid shortcuts act). */
  gridFocusRequest = $state(0);
  /** Bumped to ask the filter bar's search field to take the focus (/). */
  searchFocusRequest = $state(0);

  readonly client: StudioClient;
  readonly library: LibraryState;
  readonly pages: PhotoPages;
  readonly grid: VirtualGrid;
  readonly prefs = new BrowsePrefs();
  readonly zoom = new ViewerZoom();
  readonly selection: Selection;
  readonly labeling: Labeling;
  readonly history = new EditHistory();
  readonly removals: Removals;
  readonly labelKeys: LabelKeys;
  readonly jobs: JobsState;
  readonly runs: RunsState;
  readonly training: TrainingState;
  readonly review: ReviewState;
  readonly imports: ImportState;

  constructor(client: StudioClient) {
    this.client = client;
    this.library = new LibraryState(client);
    this.pages = new PhotoPages(client);
    this.grid = new VirtualGrid(() => this.pages.total ?? 0, this.prefs.thumbSize);
    this.selection = new Selection(this.pages);
    this.labeling = new Labeling(client, this.library, this.pages, this.history);
    this.removals = new Removals(this);
    this.labelKeys = new LabelKeys(this);
    this.jobs = new JobsState(client);
    this.runs = new RunsState(client);
    this.training = new TrainingState(client, this.jobs, this.runs, () => this.#afterTraining());
    this.imports = new ImportState(client, this.jobs);
    // counts refresh on the core's library.changed event; the grid's cached pages may hold the photo
    this.review = new ReviewState(client, () => this.pages.refresh());
    // events may have been missed while the link was down: read everything again
    connection.attach(client, () => void this.#refreshAll());
    client.on('library.changed', ({ what }) => {
      void this.library.refresh();
      if (what === 'runs') void this.runs.refresh();
      // a finished run brings new predictions for the tiles
      if (what === 'photos' || what === 'classes' || what === 'runs') this.pages.refresh();
    });
  }

  async start(): Promise<void> {
    this.pages.setFilter(this.pages.filter);
    this.focusGrid();
    await Promise.all([this.library.refresh(), this.library.loadBackend(), this.jobs.load(), this.runs.refresh(), this.training.loadConfig()]);
  }

  show(view: ViewName): void {
    this.view = view;
    if (view === 'library') this.focusGrid();
    if (view === 'review' && this.review.total === null) void this.review.open(this.review.queue);
    if (view === 'runs') void this.runs.refresh();
  }

  /** Sets the grid filter, shows the library and gives the grid the focus (filter bar, class bar, matrix). */
  filterLibrary(filter: PhotoFilter, options: { focusGrid?: boolean } = {}): void {
    this.selection.reset();
    this.grid.scrollTop = 0;
    this.pages.setFilter(filter);
    this.view = 'library';
    if (options.focusGrid ?? true) this.focusGrid();
  }

  focusGrid(): void {
    this.gridFocusRequest++;
  }

  /** `/`: the library's file-name search takes the focus (not the grid: show() would give it to the grid). */
  focusSearch(): void {
    this.view = 'library';
    this.viewerIndex = -1;
    this.searchFocusRequest++;
  }

  openViewer(index: number): void {
    if (index >= 0) this.viewerIndex = index;
  }

  /** Closing the viewer puts the grid cursor on the photo it showed and gives the grid the focus back. */
  closeViewer(): void {
    const index = this.viewerIndex;
    this.viewerIndex = -1;
    if (index >= 0 && index < (this.pages.total ?? 0)) {
      this.selection.selectOnly(index);
      const top = this.grid.scrollTopToReveal(index);
      if (top !== null) this.grid.scrollTop = top;
    }
    this.focusGrid();
  }

  async #refreshAll(): Promise<void> {
    this.pages.refresh();
    await Promise.all([this.library.refresh(), this.library.loadBackend(), this.jobs.load(), this.runs.refresh()]);
  }

  #afterTraining(): void {
    void this.library.refresh();
    this.pages.refresh();
    if (this.view === 'review') void this.review.reload();
    else this.review.total = null;
  }
}

const KEY = Symbol('studio');

export function setStudio(studio: StudioState): void {
  setContext(KEY, studio);
}

export function getStudio(): StudioState {
  const studio = getContext<StudioState | undefined>(KEY);
  if (!studio) throw new Error('getStudio() called outside <App>');
  return studio;
}
