import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by Vigil itself at /console/ (console/server/staticPlugin.ts), same
// origin as the API. `npm run console:dev` proxies the API to a running Vigil for hot reload.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  server: {
    proxy: Object.fromEntries(['/v1', '/auth'].map((path) => [path, { target: process.env.VIGIL_URL ?? 'http://127.0.0.1:8080' }])),
  },
});
