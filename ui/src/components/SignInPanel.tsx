import {
  Button,
  Card,
  Dropdown,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular, DeleteRegular, OpenRegular, PersonAddRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";

import {
  toErrorReport,
  type ConnectionSummary,
  type ErrorReport,
  type Profile,
  type SignInStep,
} from "../backend";
import { useBackend } from "../backend/context";

const useStyles = makeStyles({
  card: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  grow: { flexGrow: 1 },
  form: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(260px, 1fr))",
    alignItems: "start",
    gap: tokens.spacingVerticalS,
  },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero700,
    letterSpacing: "0.1em",
  },
  muted: { color: tokens.colorNeutralForeground3, wordBreak: "break-all" },
});

/** The Microsoft Graph Command Line Tools public client: a quick start without a registration. */
const GRAPH_CLI_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

type CloudKind = "global" | "usGovHigh" | "usGovDod" | "china" | "custom";
const CLOUDS: { kind: CloudKind; label: string }[] = [
  { kind: "global", label: "Global (and GCC)" },
  { kind: "usGovHigh", label: "US Government GCC High" },
  { kind: "usGovDod", label: "US Government DoD" },
  { kind: "china", label: "China (21Vianet)" },
  { kind: "custom", label: "Other hosts" },
];

interface Props {
  onSignedIn(summary: ConnectionSummary): void;
}

/** Saved tenants to sign in to, and a form to add one. */
export function SignInPanel({ onSignedIn }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [form, setForm] = useState({
    name: "",
    tenant: "",
    clientId: "",
    cloud: "global" as CloudKind,
    loginUrl: "",
    graphUrl: "",
    method: "browser" as "browser" | "deviceCode",
  });
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [step, setStep] = useState<SignInStep | null>(null);
  const [error, setError] = useState<{ report: ErrorReport; profile: string | null } | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    backend
      .savedProfiles()
      .then(setProfiles, (e: unknown) => setError({ report: toErrorReport(e), profile: null }));
    return backend.onSignInProgress(setStep);
  }, [backend]);

  async function signIn(name: string, sessionOnly = false) {
    setError(null);
    setStep(null);
    setCopied(false);
    setSigningIn(name);
    try {
      onSignedIn(await backend.signIn(name, sessionOnly));
    } catch (e) {
      setError({ report: toErrorReport(e), profile: name });
      setSigningIn(null);
    }
  }

  async function add() {
    setError(null);
    const cloud =
      form.cloud === "custom"
        ? {
            kind: "custom" as const,
            login_url: form.loginUrl.trim(),
            graph_url: form.graphUrl.trim(),
          }
        : { kind: form.cloud };
    const profile: Profile = {
      name: form.name.trim(),
      tenant: form.tenant.trim(),
      clientId: form.clientId.trim(),
      cloud,
      method: { kind: form.method },
    };
    try {
      setProfiles(await backend.addProfile(profile));
    } catch (e) {
      setError({ report: toErrorReport(e), profile: null });
      return;
    }
    await signIn(profile.name);
  }

  async function remove(name: string) {
    setError(null);
    try {
      setProfiles(await backend.removeProfile(name));
    } catch (e) {
      setError({ report: toErrorReport(e), profile: null });
    }
  }

  const set = (key: keyof typeof form) => (_: unknown, data: { value: string }) =>
    setForm((f) => ({ ...f, [key]: data.value }));

  if (signingIn) {
    return (
      <Card className={styles.card} id="signing-in">
        <Text weight="semibold" as="h3">
          Signing in to {signingIn}
        </Text>
        {!step && <Spinner size="small" label="Contacting the sign-in service…" />}
        {step?.kind === "browser" && (
          <>
            <Text>
              Finish signing in in the browser window that opened. It waits for you for five
              minutes.
            </Text>
            <Text size={200} className={styles.muted}>
              If no browser opened, open this link: {step.url}
            </Text>
          </>
        )}
        {step?.kind === "deviceCode" && (
          <>
            <Text>
              On any device, open {step.verificationUri} and enter this code (it expires in{" "}
              {Math.round(step.expiresInSecs / 60)} minutes):
            </Text>
            <Text className={styles.code} id="device-code">
              {step.userCode}
            </Text>
          </>
        )}
        <div className={styles.row}>
          {step?.kind === "deviceCode" && (
            <Button
              icon={<CopyRegular />}
              onClick={() => void backend.copySignInCode().then(() => setCopied(true))}
            >
              {copied ? "Code copied" : "Copy the code"}
            </Button>
          )}
          {step && (
            <Button icon={<OpenRegular />} onClick={() => void backend.openSignInPage()}>
              Open the sign-in page
            </Button>
          )}
          <Button id="sign-in-cancel" onClick={() => void backend.cancelSignIn()}>
            Cancel
          </Button>
        </div>
      </Card>
    );
  }

  return (
    <>
      {error && (
        <MessageBar intent="error" id="sign-in-error" layout="multiline">
          <MessageBarBody>{error.report.message}</MessageBarBody>
          {error.report.kind === "keychainUnavailable" && error.profile && (
            <MessageBarActions>
              <Button id="session-only" onClick={() => void signIn(error.profile!, true)}>
                Sign in for this session only
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      )}
      {profiles.length > 0 && (
        <Card className={styles.card} id="saved-profiles">
          <Text weight="semibold" as="h3">
            Your tenants
          </Text>
          {profiles.map((p) => (
            <div className={styles.row} key={p.name} data-profile={p.name}>
              <Text className={styles.grow}>
                <Text weight="semibold">{p.name}</Text> · {p.tenant} ·{" "}
                {p.method.kind === "deviceCode" ? "device code" : "browser"}
              </Text>
              <Button appearance="primary" onClick={() => void signIn(p.name)}>
                Sign in
              </Button>
              <Button
                icon={<DeleteRegular />}
                aria-label={`Remove ${p.name}`}
                onClick={() => void remove(p.name)}
              />
            </div>
          ))}
        </Card>
      )}
      <Card className={styles.card} id="add-profile">
        <Text weight="semibold" as="h3">
          Add a tenant
        </Text>
        <div className={styles.form}>
          <Field label="Name (yours to choose)" required>
            <Input id="profile-name" value={form.name} onChange={set("name")} />
          </Field>
          <Field label="Tenant ID or domain" required hint="e.g. contoso.onmicrosoft.com">
            <Input id="profile-tenant" value={form.tenant} onChange={set("tenant")} />
          </Field>
          <Field label="Application (client) ID" required>
            <Input id="profile-client-id" value={form.clientId} onChange={set("clientId")} />
          </Field>
          <Field label="Cloud">
            <Dropdown
              id="profile-cloud"
              value={CLOUDS.find((c) => c.kind === form.cloud)?.label}
              selectedOptions={[form.cloud]}
              onOptionSelect={(_, data) =>
                setForm((f) => ({ ...f, cloud: (data.optionValue ?? "global") as CloudKind }))
              }
            >
              {CLOUDS.map((c) => (
                <Option key={c.kind} value={c.kind}>
                  {c.label}
                </Option>
              ))}
            </Dropdown>
          </Field>
          {form.cloud === "custom" && (
            <>
              <Field label="Sign-in URL" required>
                <Input id="profile-login-url" value={form.loginUrl} onChange={set("loginUrl")} />
              </Field>
              <Field label="Graph URL" required>
                <Input id="profile-graph-url" value={form.graphUrl} onChange={set("graphUrl")} />
              </Field>
            </>
          )}
          <Field label="Sign in with">
            <RadioGroup
              value={form.method}
              onChange={(_, data) =>
                setForm((f) => ({ ...f, method: data.value as "browser" | "deviceCode" }))
              }
            >
              <Radio value="browser" label="The browser on this computer" />
              <Radio id="method-device-code" value="deviceCode" label="A code, on any device" />
            </RadioGroup>
          </Field>
        </div>
        <div className={styles.row}>
          <Button
            id="profile-add"
            appearance="primary"
            icon={<PersonAddRegular />}
            disabled={!form.name.trim() || !form.tenant.trim() || !form.clientId.trim()}
            onClick={() => void add()}
          >
            Add and sign in
          </Button>
          <Button
            appearance="subtle"
            onClick={() => setForm((f) => ({ ...f, clientId: GRAPH_CLI_CLIENT_ID }))}
          >
            No app registration yet? Use Microsoft Graph Command Line Tools
          </Button>
        </div>
      </Card>
    </>
  );
}
