/**
 * electron-vite: three builds into out/ — main (ESM, Node deps external),
 * preload (CommonJS, because sandboxed preloads cannot be ES modules), renderer (Vue).
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { fileURLToPath } from 'node:url';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: path('./out/main'),
      rollupOptions: {
        input: {
          index: path('./electron/main/index.ts'),
          // The control plane's components run in a worker thread; cluster/controlplane/components-thread.ts
          // loads this file from beside the main bundle (out/main/components-worker.js).
          'components-worker': path('./cluster/controlplane/components-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: path('./out/preload'),
      rollupOptions: {
        input: { index: path('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path('./renderer'),
    plugins: [vue()],
    build: {
      outDir: path('./out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is also served to browsers in web mode.
      minify: 'esbuild',
      rollupOptions: { input: { index: path('./renderer/index.html') } },
    },
  },
});
