import { Badge, Button, Card, Link, makeStyles, Text, tokens } from "@fluentui/react-components";
import { useState } from "react";
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
  more: { alignSelf: "flex-start" },
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

/**
 * One action's verdict, as Rust decided it, with the button that opens its confirmation. The badge
 * never says more than the button allows: while an action is under way it says so. On a blocked
 * action, what blocks it shows; warnings and notes that no longer matter fold away.
 */
export function VerdictCard({ verdict, busy, onChoose }: Props) {
  const styles = useStyles();
  const sendable = verdict.readiness !== "blocked" || verdict.overridable;
  const readiness =
    busy && sendable
      ? { label: "Under way", color: "informative" as const }
      : READINESS[verdict.readiness];
  const [showFolded, setShowFolded] = useState(false);
  const blocked = verdict.readiness === "blocked";
  const folded = blocked ? verdict.reasons.filter((r) => r.severity !== "blocker") : [];
  const reasons =
    blocked && !showFolded
      ? verdict.reasons.filter((r) => r.severity === "blocker")
      : verdict.reasons;
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
          title={busy && sendable ? "Wait until the action under way finishes." : undefined}
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
      {reasons.length > 0 && (
        <ul className={styles.reasons}>
          {reasons.map((reason) => {
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
      {folded.length > 0 && (
        <Link
          as="button"
          className={styles.more}
          onClick={() => setShowFolded((shown) => !shown)}
          aria-expanded={showFolded}
        >
          {showFolded
            ? "Hide the other notes"
            : `${folded.length} more ${folded.length === 1 ? "note" : "notes"}, for when it is no longer blocked`}
        </Link>
      )}
    </Card>
  );
}
