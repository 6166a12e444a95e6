import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on Debian 12 and Safari 15 on older Macs are the oldest engines the app meets.
    target: ["es2021", "safari15"],
    // The pages are read from the app itself, not downloaded: the chunk both share (React and
    // Fluent UI) may be larger than a web site's would be.
    chunkSizeWarningLimit: 700,
    // Two pages: the main window's, and quick lock's, which loads only what quick lock draws.
    rolldownOptions: {
      input: { main: "index.html", quickLock: "quick-lock.html" },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    // Shared, noisy machines: a test may wait for slow renders, never for a speed.
    testTimeout: 20_000,
  },
});
