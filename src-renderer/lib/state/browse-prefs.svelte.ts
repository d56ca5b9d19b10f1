// How the library grid is shown, remembered across reloads (localStorage, like the theme): thumbnail size and
// whether tiles show the model's prediction.
import { readStored, writeStored } from '../utils/stored-value.js';
import { THUMB_DEFAULT_PX, clampThumbSize, parseThumbSize, stepThumbSize } from '../utils/thumb-size.js';

const THUMB_SIZE_KEY = 'studio.thumbSize';
const PREDICTIONS_KEY = 'studio.showPredictions';

export class BrowsePrefs {
  thumbSize = $state(readStored(THUMB_SIZE_KEY, parseThumbSize, THUMB_DEFAULT_PX));
  showPredictions = $state(readStored(PREDICTIONS_KEY, (raw) => (raw === 'true' ? true : raw === 'false' ? false : null), true));

  setThumbSize(px: number): void {
    this.thumbSize = clampThumbSize(px);
    writeStored(THUMB_SIZE_KEY, String(this.thumbSize));
  }

  stepThumbSize(direction: 1 | -1): void {
    this.setThumbSize(stepThumbSize(this.thumbSize, direction));
  }

  resetThumbSize(): void {
    this.setThumbSize(THUMB_DEFAULT_PX);
  }

  togglePredictions(): void {
    this.showPredictions = !this.showPredictions;
    writeStored(PREDICTIONS_KEY, String(this.showPredictions));
  }
}
