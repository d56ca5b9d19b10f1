// Light or dark: follows prefers-color-scheme until the person picks one with the toggle (kept in localStorage).
// The choice lands on <html data-theme>, which app.css reads.
import { readStored, writeStored } from '../utils/stored-value.js';

export type ThemeName = 'light' | 'dark';

const STORAGE_KEY = 'studio.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

// storage can be off (privacy settings): follow the system then
const storedChoice = (): ThemeName | null => readStored<ThemeName | null>(STORAGE_KEY, (value) => (value === 'light' || value === 'dark' ? value : null), null);

export class ThemeState {
  /** what the system asks for */
  system = $state<ThemeName>('dark');
  /** what the person picked, or null to follow the system */
  chosen = $state<ThemeName | null>(storedChoice());
  readonly current = $derived<ThemeName>(this.chosen ?? this.system);

  constructor() {
    const query = window.matchMedia(DARK_QUERY);
    this.system = query.matches ? 'dark' : 'light';
    query.addEventListener('change', (event) => {
      this.system = event.matches ? 'dark' : 'light';
      this.apply();
    });
    this.apply();
  }

  toggle(): void {
    this.chosen = this.current === 'dark' ? 'light' : 'dark';
    writeStored(STORAGE_KEY, this.chosen);
    this.apply();
  }

  /** Sets <html data-theme>; called on every change of the system theme or the choice. */
  apply(): void {
    document.documentElement.dataset.theme = this.current;
  }
}

export const theme = new ThemeState();
