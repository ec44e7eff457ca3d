// The moderator UI: plain TypeScript and DOM, built into static files (ui/dist) that any static
// host can serve. `base: './'` keeps every asset URL relative, so the files work from any path.
import { defineConfig } from 'vite';
import { adoptFormerEnvAtStart } from '@sinbin/contract/legacy-names';

// VITE_SINBIN_API (the API address baked into a build) is still read under its former name.
adoptFormerEnvAtStart();

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { port: 5173, strictPort: false },
});
