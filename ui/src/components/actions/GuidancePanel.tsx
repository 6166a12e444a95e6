import { Card, makeStyles, Text, tokens } from "@fluentui/react-components";
import { LightbulbRegular } from "@fluentui/react-icons";

import type { Guidance } from "../../backend";
import { WhySources } from "./WhySources";

const useStyles = makeStyles({
  card: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  head: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "flex-start" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  table: {
    borderCollapse: "collapse",
    width: "100%",
    "& td, & th": {
      textAlign: "left",
      verticalAlign: "top",
      padding: `2px ${tokens.spacingHorizontalS} 2px 0`,
    },
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Recover or remove: the decision for this iPhone or iPad, why, and what if it fails. */
export function GuidancePanel({ guidance }: { guidance: Guidance }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} id="passcode-guidance">
      <div className={styles.head}>
        <LightbulbRegular fontSize={20} />
        <div>
          <Text weight="semibold" id="guidance-headline">
            {guidance.headline}
          </Text>{" "}
          <WhySources sources={guidance.headlineSources} />
        </div>
      </div>
      <Text className={styles.muted}>Decided by: {guidance.decidedBy.join(" ")}</Text>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Choice</th>
            <th>What the user experiences</th>
          </tr>
        </thead>
        <tbody>
          {guidance.experience.map((choice) => (
            <tr key={choice.action}>
              <td>
                <Text weight={choice.action === guidance.recommended ? "semibold" : "regular"}>
                  {choice.label}
                  {choice.action === guidance.recommended ? " (recommended)" : ""}
                </Text>
              </td>
              <td>
                {choice.userSees} <WhySources sources={choice.sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Text weight="semibold">If it fails</Text>
      <table className={styles.table}>
        <tbody>
          {guidance.ifItFails.map((row) => (
            <tr key={row.cause}>
              <td>{row.cause}</td>
              <td>
                {row.whatToDo} <WhySources sources={row.sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Text weight="semibold">What each source says</Text>
      <ul className={styles.list}>
        {guidance.documented.map((fact) => (
          <li key={fact.text}>
            <Text className={styles.muted}>{fact.text}</Text> <WhySources sources={fact.sources} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
