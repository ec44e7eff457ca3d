// The moderator UI: plain TypeScript and DOM, built into static files (ui/dist) that any static
// host can serve. `base: './'` keeps every asset URL relative, so the files work from any path.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { port: 5173, strictPort: false },
});
