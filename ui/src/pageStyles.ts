import { makeStaticStyles } from "@fluentui/react-components";

/** The window is the page: no default body margin (it made everything move 16 px), no page scroll. */
export const usePageStyles = makeStaticStyles({
  "html, body, #root": { margin: 0, padding: 0, height: "100%", overflow: "hidden" },
});
