import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// The Tauri shell loads the built files from ui/dist; there is no dev server URL.
export default defineConfig(({ mode }) => ({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ and current WebView2 both run ES2022.
    target: 'es2022',
  },
  // Vitest runs in mode `test`. Component tests mount Svelte's client build, and without the
  // `browser` condition Vitest would resolve Svelte's server build, which cannot mount.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    include: ['src/**/*.test.ts'],
    // Component tests opt in to jsdom with a `@vitest-environment jsdom` comment.
    environment: 'node',
  },
}));
