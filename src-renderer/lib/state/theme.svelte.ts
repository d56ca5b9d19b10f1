// Light or dark: follows prefers-color-scheme until the person picks one with the toggle (kept in localStorage).
// The choice lands on <html data-theme>, which app.css reads.
export type ThemeName = 'light' | 'dark';

const STORAGE_KEY = 'studio.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storedChoice(): ThemeName | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage can be off (privacy settings): follow the system then
  }
}

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
    try {
      localStorage.setItem(STORAGE_KEY, this.chosen);
    } catch {
      // not remembered, still switched
    }
    this.apply();
  }

  /** Sets <html data-theme>; called on every change of the system theme or the choice. */
  apply(): void {
    document.documentElement.dataset.theme = this.current;
  }
}

export const theme = new ThemeState();
