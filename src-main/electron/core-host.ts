// Entry of the Electron utility process that owns the core: opens the Studio (database, jobs, ML training)
// away from the main process's event loop and serves it over process.parentPort.
import { openStudio } from '../core/studio.js';
import { errorEnvelope } from '../api/dispatch.js';
import { toStudioError } from '../api/errors.js';
import { serveStudio, type HostPort } from './core-host-protocol.js';
import { LIBRARY_ARG, libraryDirFromArgs } from './library-arg.js';

export function startCoreHost(port: HostPort, argv: readonly string[]): void {
  const libraryDir = libraryDirFromArgs(argv);
  try {
    if (!libraryDir) throw new Error(`Expected ${LIBRARY_ARG} <folder> in the core host's arguments, received ${JSON.stringify(argv)}`);
    const studio = openStudio(libraryDir);
    serveStudio(port, { ...studio, resolveMedia: (kind, id) => studio.media(kind, id) });
  } catch (error) {
    console.error('[core-host] could not open the library', error);
    const envelope = errorEnvelope(toStudioError(error));
    if (!envelope.ok) port.postMessage({ type: 'open-failed', error: envelope.error });
  }
}

// `process.parentPort` exists only inside an Electron utility process; importing this file elsewhere is inert.
if (process.parentPort) startCoreHost(process.parentPort, process.argv);
