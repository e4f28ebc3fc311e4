// npm run build: compiles the runtime to JavaScript in dist/ (tsc, tsconfig.build.json) and copies
// beside it the files the runtime reads through import.meta.url (migrations, rule and list packs,
// example campaigns), so `node dist/bin/vigil.js` runs without tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSET = /\.(sql|yaml)$/;

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
console.log(`built dist/ (${copied} runtime files copied beside the JavaScript)`);
