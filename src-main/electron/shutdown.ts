// Clean exit: the first `before-quit` is held until the core host has cancelled its jobs and closed the
// database; then the app quits for real. A second quit request while waiting does not start another shutdown.
export interface QuitEvent {
  preventDefault(): void;
}

export interface QuittingApp {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown;
  quit(): void;
}

export function installCleanShutdown(app: QuittingApp, core: { shutdown(): Promise<void> }, log: (message: string, error: unknown) => void = console.error): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    core
      .shutdown()
      .catch((error: unknown) => log('[shutdown] the core did not close cleanly', error))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
