/**
 * Builds the web console (web/) into dist/ui, which the gateway serves at /ui/. Asset names carry a content hash
 * so the gateway can let browsers cache them for a year; index.html itself is never cached. Nothing is inlined:
 * the console's Content-Security-Policy allows scripts and styles from its own origin only.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/ui/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('./dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inlined assets become data: URLs, which the CSP does not allow for scripts and styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
