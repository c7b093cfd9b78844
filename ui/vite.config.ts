// Vite builds the UI into ui/dist, which the Tauri shell embeds. Leaflet and the basemap data come
// from npm and are bundled here at build time: no CDN, nothing vendored in git.
import { defineConfig } from "vitest/config";

export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["test/**/*.test.ts"],
  },
});
