import { Button, Link, makeStyles, Text, tokens } from "@fluentui/react-components";
import { useId, useState } from "react";

import { toErrorReport, type Cited } from "../../backend";
import { useBackend } from "../../backend/context";

const useStyles = makeStyles({
  why: { minWidth: "auto", padding: "0 2px", height: "auto", verticalAlign: "baseline" },
  panel: {
    margin: `${tokens.spacingVerticalXXS} 0 0 0`,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderLeft: `2px solid ${tokens.colorNeutralStroke2}`,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXXS,
  },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  muted: { color: tokens.colorNeutralForeground3 },
});

const KIND_LABEL: Record<Cited["kind"], string> = {
  microsoft: "Microsoft",
  apple: "Apple",
  seed: "Specification",
  inference: "Our inference",
};

interface Props {
  sources: Cited[];
  disagreement?: string | null;
}

/** "Why?": where a rule, effect or piece of guidance comes from, as Rust cited it. */
export function WhySources({ sources, disagreement }: Props) {
  const styles = useStyles();
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const panelId = useId();
  if (sources.length === 0) return null;
  return (
    <>
      <Button
        appearance="transparent"
        size="small"
        className={styles.why}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-why
      >
        Why?
      </Button>
      {open && (
        <div id={panelId} className={styles.panel} data-sources>
          <ul className={styles.list}>
            {sources.map((source) => (
              <li key={`${source.kind}:${source.title}`} data-source-kind={source.kind}>
                <Text className={styles.muted}>{KIND_LABEL[source.kind]}: </Text>
                {source.url ? (
                  <Link
                    as="button"
                    title={source.url}
                    onClick={() => {
                      setFailed(null);
                      backend
                        .openSourcePage(source.url ?? "")
                        .catch((e: unknown) => setFailed(toErrorReport(e).message));
                    }}
                  >
                    {source.title}
                  </Link>
                ) : (
                  <Text>{source.title}</Text>
                )}
              </li>
            ))}
          </ul>
          {disagreement && (
            <Text size={200} data-disagreement>
              Sources disagree: {disagreement}
            </Text>
          )}
          {failed && (
            <Text size={200} role="alert">
              {failed}
            </Text>
          )}
        </div>
      )}
    </>
  );
}
