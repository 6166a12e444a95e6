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
import {
  CopyRegular,
  DeleteRegular,
  FolderOpenRegular,
  OpenRegular,
  PersonAddRegular,
} from "@fluentui/react-icons";
import { useEffect, useState } from "react";

import {
  toErrorReport,
  type ConnectionSummary,
  type ErrorReport,
  type Profile,
  type ProfileField,
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

type MethodKind = Profile["method"]["kind"];
const METHODS: { kind: MethodKind; label: string; short: string }[] = [
  { kind: "browser", label: "The browser on this computer", short: "browser" },
  { kind: "deviceCode", label: "A code, on any device", short: "device code" },
  {
    kind: "clientSecret",
    label: "The app's client secret (app-only, for an unattended kiosk)",
    short: "client secret",
  },
  { kind: "certificate", label: "The app's certificate (app-only)", short: "certificate" },
  { kind: "azureCli", label: "The Azure CLI's sign-in (az login)", short: "Azure CLI" },
];

/** App-only and Azure CLI profiles sign in without a browser or a code. */
function isAppOnly(kind: MethodKind): boolean {
  return kind !== "browser" && kind !== "deviceCode";
}

interface Props {
  onSignedIn(summary: ConnectionSummary): void;
  /** Only the form to add one (the account menu's "Add a tenant"): the saved ones are in the menu. */
  addOnly?: boolean;
}

/** Saved tenants to sign in to, and a form to add one. */
export function SignInPanel({ onSignedIn, addOnly = false }: Props) {
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
    method: "browser" as MethodKind,
    certificatePath: "",
  });
  /** The app-only profile whose secret (or certificate password) is being asked for. */
  const [askSecretFor, setAskSecretFor] = useState<Profile | null>(null);
  const [secret, setSecret] = useState("");
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [step, setStep] = useState<SignInStep | null>(null);
  const [error, setError] = useState<{
    report: ErrorReport;
    profile: string | null;
    /** The first sign-in of a profile just added failed, so the profile was not kept. */
    notKept?: boolean;
  } | null>(null);
  const [copied, setCopied] = useState(false);
  /** Problems with the form, by field, as Rust found them; checked again as the admin fixes them. */
  const [problems, setProblems] = useState<Partial<Record<ProfileField, string>>>({});
  /** Counts refused submissions: each puts the focus on the first field with a problem. */
  const [refused, setRefused] = useState(0);
  useEffect(() => {
    if (refused > 0) {
      document.querySelector<HTMLElement>("#add-profile [aria-invalid='true']")?.focus();
    }
  }, [refused]);

  useEffect(() => {
    backend
      .savedProfiles()
      .then(setProfiles, (e: unknown) => setError({ report: toErrorReport(e), profile: null }));
    return backend.onSignInProgress(setStep);
  }, [backend]);

  /** Signs in to a saved profile; what went wrong (also on show), or `null` when it worked. */
  async function signIn(
    name: string,
    sessionOnly = false,
    known = profiles,
  ): Promise<ErrorReport["kind"] | null> {
    setError(null);
    setStep(null);
    setCopied(false);
    const profile = known.find((p) => p.name === name);
    if (profile && isAppOnly(profile.method.kind)) {
      if (profile.method.kind === "azureCli") {
        return signInApp(profile, null, sessionOnly);
      }
      setSecret("");
      setAskSecretFor(profile);
      return null;
    }
    setSigningIn(name);
    try {
      onSignedIn(await backend.signIn(name, sessionOnly));
      return null;
    } catch (e) {
      const report = toErrorReport(e);
      setError({ report, profile: name });
      setSigningIn(null);
      return report.kind;
    }
  }

  async function signInApp(
    profile: Profile,
    value: string | null,
    sessionOnly = false,
  ): Promise<ErrorReport["kind"] | null> {
    setError(null);
    setSigningIn(profile.name);
    try {
      onSignedIn(await backend.signInApp(profile.name, value, sessionOnly));
      setSecret("");
      setAskSecretFor(null);
      return null;
    } catch (e) {
      const report = toErrorReport(e);
      setError({ report, profile: profile.name });
      setSigningIn(null);
      return report.kind;
    }
  }

  /** Session-only, offered when the keychain cannot be used: the secret typed is used again. */
  async function signInSessionOnly(name: string) {
    const profile = profiles.find((p) => p.name === name);
    if (profile && isAppOnly(profile.method.kind)) {
      await signInApp(profile, secret || null, true);
    } else {
      await signIn(name, true);
    }
  }

  function formProfile(): Profile {
    const cloud =
      form.cloud === "custom"
        ? {
            kind: "custom" as const,
            login_url: form.loginUrl.trim(),
            graph_url: form.graphUrl.trim(),
          }
        : { kind: form.cloud };
    return {
      name: form.name.trim(),
      tenant: form.tenant.trim(),
      clientId: form.clientId.trim(),
      cloud,
      method:
        form.method === "certificate"
          ? { kind: "certificate", path: form.certificatePath.trim() }
          : { kind: form.method },
    };
  }

  /** Asks Rust what is wrong with the form; true when nothing is. */
  async function check(profile: Profile): Promise<boolean> {
    const found = await backend.checkProfile(profile);
    setProblems(Object.fromEntries(found.map((p) => [p.field, p.message])));
    return found.length === 0;
  }

  async function add() {
    setError(null);
    const profile = formProfile();
    let saved: Profile[];
    try {
      if (!(await check(profile))) {
        setRefused((n) => n + 1);
        return;
      }
      saved = await backend.addProfile(profile);
      setProfiles(saved);
    } catch (e) {
      setError({ report: toErrorReport(e), profile: null });
      return;
    }
    const failure = await signIn(profile.name, false, saved);
    // A first sign-in that fails keeps nothing: the form still holds what was typed, to correct
    // and try again. Kept when the next step is on that profile: app-only ones ask for their
    // secret next, and an unusable keychain offers the session-only sign-in.
    if (failure && failure !== "keychainUnavailable" && !isAppOnly(profile.method.kind)) {
      try {
        setProfiles(await backend.removeProfile(profile.name));
        setError((e) => e && { ...e, profile: null, notKept: true });
      } catch {
        // Still saved: the error's own Sign in button is the next step.
      }
    }
  }

  async function browseCertificate() {
    try {
      const path = await backend.pickCertificateFile();
      if (path) setForm((f) => ({ ...f, certificatePath: path }));
    } catch (e) {
      setError({ report: toErrorReport(e), profile: null });
    }
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

  // Problems on show are checked again as the admin types, so each goes once it is fixed.
  const shownProblems = Object.keys(problems).length > 0;
  const checkKey = JSON.stringify(form);
  useEffect(() => {
    if (!shownProblems) return;
    let current = true;
    backend.checkProfile(formProfile()).then(
      (found) => current && setProblems(Object.fromEntries(found.map((p) => [p.field, p.message]))),
      () => undefined,
    );
    return () => {
      current = false;
    };
    // `formProfile` reads `form`, which `checkKey` follows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, checkKey, shownProblems]);

  /** A field's problem, in the form Fluent's Field shows under it. */
  const invalid = (field: ProfileField) =>
    problems[field]
      ? { validationState: "error" as const, validationMessage: problems[field] }
      : {};

  // Sign-in errors, with the next step beside them: the session-only retry when the keychain
  // could not be used, signing in again otherwise.
  const keychainRetry = error?.report.kind === "keychainUnavailable" ? error.profile : null;
  const retry = error && !keychainRetry && !askSecretFor ? error.profile : null;
  const errorBar = error && (
    <MessageBar intent="error" id="sign-in-error" layout="multiline">
      <MessageBarBody>
        {error.report.message}
        {error.notKept && (
          <>
            {" "}
            Nothing was saved: correct the details below if needed, then choose Add and sign in
            again.
          </>
        )}
      </MessageBarBody>
      {(keychainRetry || retry) && (
        <MessageBarActions>
          {keychainRetry && (
            <Button id="session-only" onClick={() => void signInSessionOnly(keychainRetry)}>
              Sign in for this session only
            </Button>
          )}
          {retry && (
            <Button id="sign-in-retry" onClick={() => void signIn(retry)}>
              Sign in to {retry}
            </Button>
          )}
        </MessageBarActions>
      )}
    </MessageBar>
  );

  if (askSecretFor && !signingIn) {
    const isSecret = askSecretFor.method.kind === "clientSecret";
    return (
      <>
        {errorBar}
        <Card className={styles.card} id="app-secret">
          <Text weight="semibold" as="h3">
            Sign in to {askSecretFor.name} as the app
          </Text>
          <form
            className={styles.card}
            onSubmit={(e) => {
              e.preventDefault();
              void signInApp(askSecretFor, secret || null);
            }}
          >
            <Field
              label={
                isSecret
                  ? "Client secret"
                  : "Certificate password (leave empty if the file has none)"
              }
              required={isSecret}
              hint="Kept in this computer's keychain, never in a file. Signing out removes it."
            >
              <Input
                id="app-secret-input"
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(_, data) => setSecret(data.value)}
              />
            </Field>
            {askSecretFor.method.kind === "certificate" && (
              <Text size={200} className={styles.muted}>
                Certificate file: {askSecretFor.method.path}
              </Text>
            )}
            <div className={styles.row}>
              <Button
                id="app-sign-in"
                type="submit"
                appearance="primary"
                disabled={isSecret && !secret}
              >
                Sign in
              </Button>
              <Button
                onClick={() => {
                  setSecret("");
                  setAskSecretFor(null);
                  setError(null);
                }}
              >
                Cancel
              </Button>
            </div>
          </form>
        </Card>
      </>
    );
  }

  if (signingIn) {
    return (
      <Card className={styles.card} id="signing-in">
        <Text weight="semibold" as="h3">
          Signing in to {signingIn}
        </Text>
        {!step && <Spinner size="small" label="Contacting the sign-in service…" />}
        {askSecretFor && (
          <Text>Getting a token for the app from Entra ID; nothing is stored until it works.</Text>
        )}
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
          {!askSecretFor && (
            <Button id="sign-in-cancel" onClick={() => void backend.cancelSignIn()}>
              Cancel
            </Button>
          )}
        </div>
      </Card>
    );
  }

  return (
    <>
      {errorBar}
      {profiles.length > 0 && !addOnly && (
        <Card className={styles.card} id="saved-profiles">
          <Text weight="semibold" as="h3">
            Your tenants
          </Text>
          {profiles.map((p) => (
            <div className={styles.row} key={p.name} data-profile={p.name}>
              <Text className={styles.grow}>
                <Text weight="semibold">{p.name}</Text> · {p.tenant} ·{" "}
                {METHODS.find((m) => m.kind === p.method.kind)?.short}
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
        {!addOnly && (
          <Text weight="semibold" as="h3">
            Add a tenant
          </Text>
        )}
        <div className={styles.form}>
          <Field label="Name (yours to choose)" required {...invalid("name")}>
            <Input id="profile-name" value={form.name} onChange={set("name")} />
          </Field>
          <Field
            label="Tenant ID or domain"
            required
            hint="e.g. contoso.onmicrosoft.com"
            {...invalid("tenant")}
          >
            <Input id="profile-tenant" value={form.tenant} onChange={set("tenant")} />
          </Field>
          <Field label="Application (client) ID" required {...invalid("clientId")}>
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
              <Field label="Sign-in URL" required {...invalid("loginUrl")}>
                <Input id="profile-login-url" value={form.loginUrl} onChange={set("loginUrl")} />
              </Field>
              <Field label="Graph URL" required {...invalid("graphUrl")}>
                <Input id="profile-graph-url" value={form.graphUrl} onChange={set("graphUrl")} />
              </Field>
            </>
          )}
          <Field label="Sign in with">
            <RadioGroup
              value={form.method}
              onChange={(_, data) => setForm((f) => ({ ...f, method: data.value as MethodKind }))}
            >
              {METHODS.map((m) => (
                <Radio key={m.kind} id={`method-${m.kind}`} value={m.kind} label={m.label} />
              ))}
            </RadioGroup>
          </Field>
          {form.method === "certificate" && (
            <Field
              label="Certificate file (.pfx or .p12, with its private key)"
              required
              hint="The file stays where it is; its password, if any, is asked for at sign-in."
              {...invalid("certificatePath")}
            >
              <div className={styles.row}>
                <Input
                  id="profile-certificate"
                  className={styles.grow}
                  value={form.certificatePath}
                  onChange={set("certificatePath")}
                />
                <Button
                  id="certificate-browse"
                  icon={<FolderOpenRegular />}
                  onClick={() => void browseCertificate()}
                >
                  Browse…
                </Button>
              </div>
            </Field>
          )}
        </div>
        {isAppOnly(form.method) && form.method !== "azureCli" && (
          <Text size={200} className={styles.muted}>
            App-only sign-in acts as the app registration itself: give it the application
            permissions DeviceManagementManagedDevices.Read.All and
            DeviceManagementManagedDevices.PrivilegedOperations.All with admin consent, and use its
            own client ID (not Microsoft Graph Command Line Tools).
          </Text>
        )}
        <div className={styles.row}>
          <Button
            id="profile-add"
            appearance="primary"
            icon={<PersonAddRegular />}
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
