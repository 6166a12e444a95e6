import type { Backend, UiStage } from "./backend";

const reported = new Set<UiStage>();

/**
 * Tells Rust, once per window, that a step of the start is on screen: the log's start-up timings
 * and the footprint benchmark read it. A timing is never worth an error, so a failure is dropped.
 */
export function reportStart(backend: Backend, stage: UiStage) {
  if (reported.has(stage)) return;
  reported.add(stage);
  reportAfterPaint(backend, stage);
}

/**
 * Tells Rust that quick lock's content is on screen, each time it is opened: the footprint
 * benchmark times quick lock to this, since a window can be drawn with only a spinner in it.
 */
export function reportQuickLockShown(backend: Backend) {
  // Its page mounts hidden, so the report from mounting and the one from the first opening would
  // both wait for the first frame on screen: one report per frame.
  if (shownPending) return;
  shownPending = true;
  reportAfterPaint(backend, "quickLockShown", () => {
    shownPending = false;
  });
}

let shownPending = false;

/**
 * Tells Rust that quick lock's page has loaded and knows the session: at once, since its window
 * is hidden until opened and a hidden page gets no frame to wait for.
 */
export function reportQuickLockReady(backend: Backend) {
  if (reported.has("quickLockReady")) return;
  reported.add("quickLockReady");
  backend.startReached("quickLockReady").catch(() => {});
}

function reportAfterPaint(backend: Backend, stage: UiStage, painted = () => {}) {
  // The frame is painted after the animation frame's callbacks; the timeout runs after that paint.
  requestAnimationFrame(() => {
    setTimeout(() => {
      painted();
      backend.startReached(stage).catch(() => {});
    }, 0);
  });
}
