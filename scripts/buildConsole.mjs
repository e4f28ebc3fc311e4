// npm's prepare step: builds the console (Vite) into console/dist, so `npm ci` alone leaves a
// servable console. Where dev dependencies are not installed (npm ci --omit=dev, as in the
// Dockerfile's runtime stage) there is nothing to build with: say so and let the install finish;
// the image copies a console built in its own stage.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/node_modules/vite/package.json`) || !existsSync(`${root}/console/index.html`)) {
  console.log('console: vite or the console sources are not here (production install); not building it');
  process.exit(0);
}
const result = spawnSync(process.execPath, [`${root}/node_modules/vite/bin/vite.js`, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
