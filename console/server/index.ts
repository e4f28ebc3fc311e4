import { fileURLToPath } from 'node:url';

export { consoleReadRoutes, type ConsoleReadDeps } from './readRoutes.js';
export { opsHealthRoutes, type OpsHealthDeps } from './healthRoutes.js';
export { consoleStatic } from './staticPlugin.js';

/** Where `npm run build:console` (run by npm ci's prepare) writes the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../dist', import.meta.url));
