// Browser-mode server entry: `startServer` over an open Studio (the `studio serve` command wires it to the CLI).
export { startServer, type RunningServer, type ServerLog, type ServerOptions } from './server/start-server.js';
export { TOKEN_HEADER, tokenCookieName } from './server/auth.js';
