import type { Backend, UiStage } from "./backend";

const reported = new Set<UiStage>();

/**
 * Tells Rust, once per window, that a step of the start is on screen: the log's start-up timings
 * and the footprint benchmark read it. A timing is never worth an error, so a failure is dropped.
 */
export function reportStart(backend: Backend, stage: UiStage) {
  if (reported.has(stage)) return;
  reported.add(stage);
  // The frame is painted after the animation frame's callbacks; the timeout runs after that paint.
  requestAnimationFrame(() => {
    setTimeout(() => {
      backend.startReached(stage).catch(() => {});
    }, 0);
  });
}
