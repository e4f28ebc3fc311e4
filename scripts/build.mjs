// npm run build: compiles the runtime to JavaScript in dist/ (tsc, tsconfig.build.json), copies
// beside it the files the runtime reads through import.meta.url (migrations, rule and list packs,
// example campaigns), and builds the console where the compiled server looks for it
// (dist/console/dist), so `node dist/bin/vigil.js` runs without tsx or Vite.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSET = /\.(sql|yaml|onnx|proto)$/;

const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const config = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
let copied = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name)) {
      cpSync(path, join(root, 'dist', relative(root, path)));
      copied++;
    }
  }
};
for (const folder of config.include) walk(join(root, folder));

// The console's static build (npm ci's prepare step makes console/dist; make it if missing).
if (!existsSync(join(root, 'console/dist/index.html'))) {
  const vite = spawnSync(process.execPath, [join(root, 'scripts/buildConsole.mjs')], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
cpSync(join(root, 'console/dist'), join(root, 'dist/console/dist'), { recursive: true });
console.log(`built dist/ (${copied} runtime files copied beside the JavaScript, and the console)`);
