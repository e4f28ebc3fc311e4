// The npm registry reachable here serves chdb's Linux x64 library but not its macOS and arm64
// siblings, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the
// lock. Run this after changing dependencies: it records them as optional, platform-bound
// entries, which npm ci skips on this platform and resolves normally elsewhere.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const chdb = lock.packages['node_modules/chdb'];
const platforms = {
  '@chdb/lib-darwin-arm64': { cpu: ['arm64'], os: ['darwin'] },
  '@chdb/lib-darwin-x64': { cpu: ['x64'], os: ['darwin'] },
  '@chdb/lib-linux-arm64-gnu': { cpu: ['arm64'], os: ['linux'], libc: ['glibc'] },
  '@chdb/lib-linux-x64-gnu': { cpu: ['x64'], os: ['linux'], libc: ['glibc'] },
};
for (const [name, platform] of Object.entries(platforms)) {
  const key = `node_modules/${name}`;
  const version = chdb.optionalDependencies[name];
  if (lock.packages[key]?.version === version) continue;
  lock.packages[key] = { version, ...platform, license: 'Apache-2.0', optional: true };
}
// Vite 8 has the same gap: its Windows-only optional helper is not served here either.
const vite = lock.packages['node_modules/vite'];
const windowsHelper = vite?.optionalDependencies?.['napi-windows-process-start-time'];
if (windowsHelper && !lock.packages['node_modules/napi-windows-process-start-time']) {
  lock.packages['node_modules/napi-windows-process-start-time'] = {
    version: windowsHelper.replace(/^[\^~]/, ''), dev: true, optional: true, os: ['win32'], license: 'MIT',
  };
}
const [root, ...rest] = Object.keys(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort()].map((k) => [k, lock.packages[k]]));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
