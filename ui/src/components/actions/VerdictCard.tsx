import { Badge, Button, Card, makeStyles, Text, tokens } from "@fluentui/react-components";
import { DismissCircleRegular, InfoRegular, WarningRegular } from "@fluentui/react-icons";

import type { Severity, Verdict } from "../../backend";
import { READINESS, sendLabel, SEVERITY_LABEL } from "./labels";
import { WhySources } from "./WhySources";

const useStyles = makeStyles({
  card: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  head: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
  title: { flexGrow: 1 },
  reasons: {
    margin: 0,
    paddingLeft: 0,
    listStyle: "none",
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXXS,
  },
  reason: {
    display: "grid",
    gridTemplateColumns: "16px 1fr",
    columnGap: tokens.spacingHorizontalXS,
  },
  blocker: { color: tokens.colorPaletteRedForeground1 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  note: { color: tokens.colorNeutralForeground3 },
  fix: { gridColumn: 2, color: tokens.colorNeutralForeground3 },
  why: { gridColumn: 2 },
  effect: { color: tokens.colorNeutralForeground2 },
});

const ICONS: Record<Severity, typeof InfoRegular> = {
  blocker: DismissCircleRegular,
  warning: WarningRegular,
  note: InfoRegular,
};

interface Props {
  verdict: Verdict;
  busy: boolean;
  onChoose(): void;
}

/** One action's verdict, as Rust decided it, with the button that opens its confirmation. */
export function VerdictCard({ verdict, busy, onChoose }: Props) {
  const styles = useStyles();
  const readiness = READINESS[verdict.readiness];
  const sendable = verdict.readiness !== "blocked" || verdict.overridable;
  return (
    <Card className={styles.card} data-action={verdict.action}>
      <div className={styles.head}>
        <Text weight="semibold" className={styles.title}>
          {verdict.label}
        </Text>
        <Badge appearance="tint" color={readiness.color} data-readiness={verdict.readiness}>
          {readiness.label}
        </Badge>
        <Button
          size="small"
          appearance={verdict.readiness === "blocked" ? "secondary" : "primary"}
          disabled={!sendable || busy}
          onClick={onChoose}
          data-send={verdict.action}
        >
          {verdict.readiness === "blocked" && verdict.overridable
            ? "Send anyway…"
            : sendLabel(verdict.action, verdict.label)}
        </Button>
      </div>
      {verdict.readiness !== "blocked" && (
        <div data-effect>
          <Text className={styles.effect}>{verdict.effect}</Text>{" "}
          <WhySources sources={verdict.effectSources} />
        </div>
      )}
      {verdict.reasons.length > 0 && (
        <ul className={styles.reasons}>
          {verdict.reasons.map((reason) => {
            const Icon = ICONS[reason.severity];
            return (
              <li key={reason.rule} className={styles.reason} data-rule={reason.rule}>
                <Icon
                  className={styles[reason.severity]}
                  aria-label={SEVERITY_LABEL[reason.severity]}
                />
                <div>
                  <Text className={reason.severity === "note" ? styles.note : undefined}>
                    {reason.text}
                  </Text>{" "}
                  <WhySources sources={reason.sources} disagreement={reason.disagreement} />
                </div>
                {reason.fix && <Text className={styles.fix}>{reason.fix}</Text>}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
