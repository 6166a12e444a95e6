import {
  Button,
  Dialog,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  Menu,
  MenuDivider,
  MenuGroupHeader,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Tab,
  TabList,
  Text,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowClockwiseRegular,
  TaskListLtrRegular,
  ArrowSwapRegular,
  DismissRegular,
  PersonAddRegular,
  PersonRegular,
  SignOutRegular,
} from "@fluentui/react-icons";
import { useEffect, useState } from "react";

import {
  toErrorReport,
  type ConnectionSummary,
  type Device,
  type ErrorReport,
  type InventoryStatus,
  type ProfileChoice,
} from "../backend";
import { useBackend } from "../backend/context";
import { ago } from "../format";
import { AuditPanel } from "./AuditPanel";
import { DeviceDetailsPanel } from "./DeviceDetailsPanel";
import { DeviceFinder } from "./DeviceFinder";
import { InterruptedRequests } from "./InterruptedRequests";
import { StoppedRuns } from "./StoppedRuns";
import { ManyDevicesHost, useManyDevices } from "./actions/ManyDevicesHost";
import { SignInPanel } from "./SignInPanel";
import { reportStart } from "../startup";

const useStyles = makeStyles({
  // Permission names are long; the account menu wraps them instead of cutting them off.
  permission: { whiteSpace: "normal", overflowWrap: "anywhere", maxWidth: "320px" },
  addSurface: { maxWidth: "min(860px, calc(100vw - 32px))" },
  // In a narrow window the toolbar's buttons keep their icons (and names for screen readers), so
  // the account menu stays on the same line.
  wide: { "@media (max-width: 900px)": { display: "none" } },
  addContent: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    flexGrow: 1,
    minHeight: 0,
  },
  notices: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    flexShrink: 0,
    maxHeight: "40vh",
    overflowY: "auto",
    "&:empty": { display: "none" },
    "& > *": { flexShrink: 0 },
  },
  bar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  inventory: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexGrow: 1 },
  progress: { width: "160px" },
  panes: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 3fr) minmax(300px, 2fr)",
    gap: tokens.spacingHorizontalL,
    flexGrow: 1,
    minHeight: 0,
  },
  // A class, not the `hidden` attribute: the panes' own `display: grid` would override it.
  hidden: { display: "none" },
  placeholder: {
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
    color: tokens.colorNeutralForeground3,
    border: `${tokens.strokeWidthThin} dashed ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalL,
    textAlign: "center",
  },
});

interface Props {
  summary: ConnectionSummary;
  onSignedOut(): void;
}

/** Signed in: the device list, the chosen device, and who is signed in where. */
export function Workspace(props: Props) {
  return (
    <ManyDevicesHost>
      <WorkspaceView {...props} />
    </ManyDevicesHost>
  );
}

function WorkspaceView({ summary, onSignedOut }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const openMany = useManyDevices();
  const [resumes, setResumes] = useState(0);
  const [inventory, setInventory] = useState<InventoryStatus | null>(null);
  const listed = Boolean(inventory?.fetchedAt && !inventory.syncing && inventory.count > 0);
  useEffect(() => {
    if (listed) reportStart(backend, "devicesListed");
  }, [listed, backend]);
  const [generation, setGeneration] = useState(0);
  const [device, setDevice] = useState<Device | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [tab, setTab] = useState<"devices" | "audit">("devices");

  // Asked again when the tenant changes. An event is newer than the answer to the first ask
  // (which may have been read while the tenant was still being opened), so once one has come,
  // that answer is dropped: a finished fetch is never shown as still running.
  useEffect(() => {
    let wasReady = false;
    let heard = false;
    const apply = (status: InventoryStatus) => {
      setInventory(status);
      // Ask the search again once a fetch completes, so results come from the fresh copy.
      if (!status.syncing && (status.count > 0 || wasReady)) setGeneration((g) => g + 1);
      wasReady = !status.syncing;
    };
    const stop = backend.onInventoryChanged((status) => {
      heard = true;
      apply(status);
    });
    backend.inventoryStatus().then(
      (status) => heard || apply(status),
      (e: unknown) => setError(toErrorReport(e)),
    );
    return stop;
  }, [backend, summary.profile]);

  async function refresh() {
    setError(null);
    try {
      await backend.refreshInventory("full");
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  const [profiles, setProfiles] = useState<ProfileChoice[]>([]);
  const [adding, setAdding] = useState(false);
  // Asked again when the tenant changes: a tenant just added is there to switch back to.
  useEffect(() => {
    backend.profileChoices().then(setProfiles, () => setProfiles([]));
  }, [backend, summary.profile]);

  async function switchTo(name: string) {
    setError(null);
    try {
      // Rust tells the app (SessionChanged), which shows the new tenant.
      await backend.switchProfile(name);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  async function signOut() {
    try {
      await backend.signOut();
      onSignedOut();
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  return (
    <div className={styles.root}>
      {/* Notices keep their height (a squeezed banner would spill over the toolbar); many of
          them scroll among themselves. */}
      <div className={styles.notices}>
        {summary.notice && (
          <MessageBar intent="warning" id="tenant-notice">
            <MessageBarBody>{summary.notice}</MessageBarBody>
          </MessageBar>
        )}
        <InterruptedRequests
          key={resumes}
          onOpen={(found) => {
            setTab("devices");
            setDevice(found);
          }}
        />
        {/* A resume settles what it finds; what it cannot is listed as interrupted again. */}
        <StoppedRuns onResumed={() => setResumes((n) => n + 1)} />
      </div>
      <div className={styles.bar}>
        <TabList
          selectedValue={tab}
          onTabSelect={(_, data) => setTab(data.value as "devices" | "audit")}
          size="small"
        >
          <Tab value="devices" id="tab-devices">
            Devices
          </Tab>
          <Tab value="audit" id="tab-audit">
            Audit
          </Tab>
        </TabList>
        <div className={styles.inventory} id="inventory-status">
          {inventory?.syncing ? (
            <>
              <ProgressBar
                className={styles.progress}
                value={
                  inventory.totalExpected
                    ? inventory.fetchedSoFar / inventory.totalExpected
                    : undefined
                }
              />
              <Text>
                Fetching devices… {inventory.fetchedSoFar.toLocaleString()}
                {inventory.totalExpected ? ` of ${inventory.totalExpected.toLocaleString()}` : ""}
              </Text>
            </>
          ) : (
            <Text>
              {inventory && inventory.fetchedAt
                ? `${inventory.count.toLocaleString()} devices · updated ${ago(inventory.fetchedAt)}`
                : "Device list not fetched yet"}
            </Text>
          )}
          <Button
            size="small"
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            disabled={inventory?.syncing}
            onClick={() => void refresh()}
            aria-label="Refresh"
            title="Read the device list again"
          >
            <span className={styles.wide}>Refresh</span>
          </Button>
          <Button
            id="many-open"
            size="small"
            appearance="subtle"
            icon={<TaskListLtrRegular />}
            disabled={!inventory || inventory.count === 0}
            title="Act on a list of devices: serials, names or IDs, or rows from Excel"
            onClick={() => openMany({})}
            aria-label="Many devices…"
          >
            <span className={styles.wide}>Many devices…</span>
          </Button>
        </div>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button id="account-menu" icon={<PersonRegular />} appearance="subtle">
              {summary.account?.displayName ?? summary.profile}
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuGroupHeader>{summary.account?.username ?? "Signed in"}</MenuGroupHeader>
              <MenuItem disabled>Profile: {summary.profile}</MenuItem>
              <MenuItem disabled>Tenant: {summary.tenant}</MenuItem>
              {summary.granted.length > 0 && (
                <>
                  <MenuDivider />
                  <MenuGroupHeader>Granted permissions</MenuGroupHeader>
                </>
              )}
              {summary.granted.map((scope) => (
                <MenuItem disabled key={scope} className={styles.permission}>
                  {scope.split("/").pop()}
                </MenuItem>
              ))}
              {profiles.some((p) => !p.current) && (
                <>
                  <MenuDivider />
                  <MenuGroupHeader>Switch profile</MenuGroupHeader>
                  {profiles
                    .filter((p) => !p.current)
                    .map((p) => (
                      <MenuItem
                        key={p.name}
                        icon={<ArrowSwapRegular />}
                        onClick={() => void switchTo(p.name)}
                        data-profile={p.name}
                      >
                        {p.name}
                      </MenuItem>
                    ))}
                </>
              )}
              <MenuDivider />
              <MenuItem icon={<PersonAddRegular />} onClick={() => setAdding(true)} id="add-tenant">
                Add a tenant…
              </MenuItem>
              <MenuItem icon={<SignOutRegular />} onClick={() => void signOut()} id="sign-out">
                Sign out
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
      <Dialog open={adding} onOpenChange={(_, data) => setAdding(data.open)}>
        <DialogSurface className={styles.addSurface}>
          <DialogBody>
            <DialogTitle
              action={
                <Button
                  appearance="subtle"
                  aria-label="Close"
                  icon={<DismissRegular />}
                  onClick={() => setAdding(false)}
                />
              }
            >
              Add a tenant
            </DialogTitle>
            <DialogContent className={styles.addContent}>
              {/* Signing in to it switches to it; Rust tells every window (SessionChanged). */}
              <SignInPanel addOnly onSignedIn={() => setAdding(false)} />
            </DialogContent>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      {(error ?? inventory?.error) && (
        <MessageBar intent="error">
          <MessageBarBody>{(error ?? inventory?.error)?.message}</MessageBarBody>
        </MessageBar>
      )}
      {tab === "audit" && <AuditPanel />}
      {/* Hidden, not unmounted: the search and the open device survive a look at the audit. */}
      <div className={tab === "devices" ? styles.panes : styles.hidden}>
        <DeviceFinder generation={generation} onOpen={setDevice} />
        {device ? (
          <DeviceDetailsPanel key={device.id} device={device} />
        ) : (
          <div className={styles.placeholder}>
            <Text>Pick a device to see which actions apply to it, and why.</Text>
          </div>
        )}
      </div>
    </div>
  );
}
