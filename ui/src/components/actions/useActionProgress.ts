import { useEffect, useState } from "react";

import type { FollowUpdate } from "../../backend";
import { useBackend } from "../../backend/context";

/** The latest reading Rust reported for an action on this device; `onFinished` runs once it ends. */
export function useActionProgress(deviceId: string | null, onFinished: () => void) {
  const backend = useBackend();
  const [progress, setProgress] = useState<FollowUpdate | null>(null);
  useEffect(
    () =>
      backend.onActionProgress((update) => {
        if (update.deviceId !== deviceId) return;
        setProgress(update);
        if (update.finished) onFinished();
      }),
    [backend, deviceId, onFinished],
  );
  return [progress, setProgress] as const;
}
