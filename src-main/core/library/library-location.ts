// Where a library lives: --library DIR, else STUDIO_LIBRARY, else the OS app-data folder.
import os from 'node:os';
import path from 'node:path';

const APP_FOLDER_NAME = 'Hike Photo Studio';

export function defaultLibraryDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME, 'library');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER_NAME, 'library');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'hike-photo-studio', 'library');
}

export function resolveLibraryDir(explicit: string | undefined, env = process.env): string {
  return path.resolve(explicit ?? env.STUDIO_LIBRARY ?? defaultLibraryDir(process.platform, env));
}
