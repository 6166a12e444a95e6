import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, Profile, SignInStep } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, mockMediaQueries, SAMPLE_SUMMARY } from "../test/backend";
import { SignInPanel } from "./SignInPanel";

const CONTOSO: Profile = {
  name: "Contoso",
  tenant: "contoso.onmicrosoft.com",
  clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
  cloud: { kind: "global" },
  method: { kind: "deviceCode" },
};

function renderPanel(overrides: Partial<Backend>, onSignedIn = vi.fn()) {
  const backend = fakeBackend(overrides);
  render(
    <BackendProvider backend={backend}>
      <SignInPanel onSignedIn={onSignedIn} />
    </BackendProvider>,
  );
  return { backend, onSignedIn };
}

describe("SignInPanel", () => {
  beforeEach(() => mockMediaQueries([]));

  it("adds a tenant, shows the device code Rust reports, and signs in", async () => {
    let progress: (step: SignInStep) => void = () => {};
    let finish: (summary: typeof SAMPLE_SUMMARY) => void = () => {};
    const { backend, onSignedIn } = renderPanel({
      addProfile: vi.fn((p: Profile) => Promise.resolve([p])),
      signIn: vi.fn(() => new Promise<typeof SAMPLE_SUMMARY>((resolve) => (finish = resolve))),
      copySignInCode: vi.fn(() => Promise.resolve()),
      onSignInProgress: (cb) => {
        progress = cb;
        return () => {};
      },
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Contoso");
    await userEvent.type(
      screen.getByRole("textbox", { name: /Tenant ID/ }),
      "contoso.onmicrosoft.com",
    );
    await userEvent.click(
      screen.getByRole("button", { name: /Use Microsoft Graph Command Line Tools/ }),
    );
    await userEvent.click(screen.getByRole("radio", { name: "A code, on any device" }));
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    expect(backend.addProfile).toHaveBeenCalledWith(CONTOSO);
    expect(backend.signIn).toHaveBeenCalledWith("Contoso", false);
    act(() =>
      progress({
        kind: "deviceCode",
        userCode: "ABCD-1234",
        verificationUri: "https://microsoft.com/devicelogin",
        expiresInSecs: 900,
      }),
    );
    expect(await screen.findByText("ABCD-1234")).toBeVisible();
    expect(screen.getByText(/microsoft.com\/devicelogin and enter this code/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Copy the code" }));
    expect(backend.copySignInCode).toHaveBeenCalledOnce();
    act(() => finish(SAMPLE_SUMMARY));
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(SAMPLE_SUMMARY));
  });

  it("says what is wrong with a profile, in Rust's words", async () => {
    renderPanel({
      addProfile: () =>
        Promise.reject({
          kind: "invalidInput",
          message: 'The client ID is not valid: "abc" is not a GUID.',
          requestId: null,
        }),
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Bad");
    await userEvent.type(screen.getByRole("textbox", { name: /Tenant ID/ }), "contoso.com");
    await userEvent.type(screen.getByRole("textbox", { name: /client\) ID/ }), "abc");
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    expect(await screen.findByText(/"abc" is not a GUID/)).toBeVisible();
  });

  it("offers a session-only sign-in when the keychain cannot be used, and cancels", async () => {
    const signIn = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "keychainUnavailable",
        message: "The OS keychain could not be used: locked.",
        requestId: null,
      })
      .mockReturnValueOnce(new Promise(() => {}));
    const { backend } = renderPanel({
      savedProfiles: () => Promise.resolve([CONTOSO]),
      signIn,
      cancelSignIn: vi.fn(() => Promise.resolve()),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(await screen.findByText(/keychain could not be used/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Sign in for this session only" }));
    expect(signIn).toHaveBeenLastCalledWith("Contoso", true);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(backend.cancelSignIn).toHaveBeenCalledOnce();
  });

  it("asks an app-only profile for its client secret and signs in with it", async () => {
    const kiosk: Profile = { ...CONTOSO, name: "Kiosk", method: { kind: "clientSecret" } };
    const { backend, onSignedIn } = renderPanel({
      savedProfiles: () => Promise.resolve([kiosk]),
      signInApp: vi.fn(() => Promise.resolve(SAMPLE_SUMMARY)),
    });
    const signIn = await screen.findByRole("button", { name: "Sign in" });
    expect(document.querySelector('[data-profile="Kiosk"]')).toHaveTextContent("client secret");
    await userEvent.click(signIn);
    const field = await screen.findByLabelText(/Client secret/);
    expect(field).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
    await userEvent.type(field, "s3cret~value{Enter}");
    expect(backend.signInApp).toHaveBeenCalledWith("Kiosk", "s3cret~value", false);
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(SAMPLE_SUMMARY));
  });

  it("keeps the typed secret for a session-only retry when the keychain cannot be used", async () => {
    const kiosk: Profile = {
      ...CONTOSO,
      name: "Kiosk",
      method: { kind: "certificate", path: "/certs/kiosk.pfx" },
    };
    const signInApp = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "keychainUnavailable",
        message: "The OS keychain could not be used: locked.",
        requestId: null,
      })
      .mockResolvedValueOnce(SAMPLE_SUMMARY);
    renderPanel({ savedProfiles: () => Promise.resolve([kiosk]), signInApp });
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Certificate file: /certs/kiosk.pfx")).toBeVisible();
    // A certificate may have no password: signing in with the field empty is allowed.
    await userEvent.type(screen.getByLabelText(/Certificate password/), "pfx-pass");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText(/keychain could not be used/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Sign in for this session only" }));
    expect(signInApp).toHaveBeenLastCalledWith("Kiosk", "pfx-pass", true);
  });

  it("adds an Azure CLI profile and signs in without asking for anything", async () => {
    const { backend } = renderPanel({
      addProfile: vi.fn((p: Profile) => Promise.resolve([p])),
      signInApp: vi.fn(() => Promise.resolve(SAMPLE_SUMMARY)),
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Lab");
    await userEvent.type(screen.getByRole("textbox", { name: /Tenant ID/ }), "lab.example.com");
    await userEvent.type(
      screen.getByRole("textbox", { name: /client\) ID/ }),
      "0b3e4a55-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    );
    await userEvent.click(screen.getByRole("radio", { name: /Azure CLI/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    expect(backend.addProfile).toHaveBeenCalledWith(
      expect.objectContaining({ name: "Lab", method: { kind: "azureCli" } }),
    );
    expect(backend.signInApp).toHaveBeenCalledWith("Lab", null, false);
  });

  it("shows each problem Rust finds at its field, and clears it once fixed", async () => {
    const checkProfile = vi.fn((p: Profile) =>
      Promise.resolve([
        ...(p.method.kind === "certificate" && !p.method.path
          ? [{ field: "certificatePath" as const, message: "Choose the certificate file." }]
          : []),
        ...(p.tenant === "contoso"
          ? [{ field: "tenant" as const, message: '"contoso" is neither a tenant ID.' }]
          : []),
      ]),
    );
    const { backend } = renderPanel({
      checkProfile,
      addProfile: vi.fn((p: Profile) => Promise.resolve([p])),
      signInApp: vi.fn(() => Promise.resolve(SAMPLE_SUMMARY)),
      pickCertificateFile: vi
        .fn()
        .mockResolvedValueOnce(null)
        .mockResolvedValueOnce("/home/it/kiosk.pfx"),
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Kiosk");
    const tenant = screen.getByRole("textbox", { name: /Tenant ID/ });
    await userEvent.type(tenant, "contoso");
    await userEvent.type(
      screen.getByRole("textbox", { name: /client\) ID/ }),
      "0b3e4a55-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    );
    await userEvent.click(screen.getByRole("radio", { name: /certificate/ }));
    expect(screen.getByText(/application permissions/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    // Nothing added; each problem beside its field, and the first of them has the focus.
    expect(backend.addProfile).not.toHaveBeenCalled();
    expect(await screen.findByText("Choose the certificate file.")).toBeVisible();
    expect(screen.getByText('"contoso" is neither a tenant ID.')).toBeVisible();
    expect(tenant).toHaveAttribute("aria-invalid", "true");
    expect(tenant).toHaveFocus();
    // Fixing a field clears its problem as the admin types.
    await userEvent.type(tenant, ".com");
    await vi.waitFor(() =>
      expect(screen.queryByText('"contoso" is neither a tenant ID.')).toBeNull(),
    );
    // Closing the file dialog changes nothing; choosing a file fills in its path.
    await userEvent.click(screen.getByRole("button", { name: "Browse…" }));
    expect(screen.getByText("Choose the certificate file.")).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Browse…" }));
    expect(screen.getByRole("textbox", { name: /Certificate file/ })).toHaveValue(
      "/home/it/kiosk.pfx",
    );
    await vi.waitFor(() => expect(screen.queryByText("Choose the certificate file.")).toBeNull());
    expect(backend.pickCertificateFile).toHaveBeenCalledTimes(2);
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    await vi.waitFor(() => expect(backend.addProfile).toHaveBeenCalledOnce());
  });

  it("keeps nothing when a new tenant's first sign-in fails, and keeps what was typed", async () => {
    const { backend } = renderPanel({
      addProfile: vi.fn((p: Profile) => Promise.resolve([p])),
      removeProfile: vi.fn(() => Promise.resolve([])),
      signIn: vi.fn(() =>
        Promise.reject({
          kind: "network",
          message:
            "Could not reach the sign-in service (login.microsoftonline.com): the connection was refused. Check the network connection (and proxy), then try again.",
          requestId: null,
        }),
      ),
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Contoso");
    await userEvent.type(screen.getByRole("textbox", { name: /Tenant ID/ }), "contoso.com");
    await userEvent.click(
      screen.getByRole("button", { name: /Use Microsoft Graph Command Line Tools/ }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    expect(await screen.findByText(/Nothing was saved/)).toBeVisible();
    expect(screen.getByText(/the connection was refused/)).toBeVisible();
    expect(backend.removeProfile).toHaveBeenCalledWith("Contoso");
    expect(screen.getByRole("textbox", { name: /Tenant ID/ })).toHaveValue("contoso.com");
    expect(screen.queryByRole("button", { name: /Sign in to Contoso/ })).toBeNull();
  });

  it("keeps a new tenant whose keychain is out of reach, and offers the session-only sign-in", async () => {
    const signIn = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "keychainUnavailable",
        message: "The OS keychain could not be used: no Secret Service. Unlock your keychain.",
        requestId: null,
      })
      .mockResolvedValueOnce(SAMPLE_SUMMARY);
    const { backend, onSignedIn } = renderPanel({
      addProfile: vi.fn((p: Profile) => Promise.resolve([p])),
      removeProfile: vi.fn(() => Promise.resolve([])),
      signIn,
    });
    await userEvent.type(screen.getByRole("textbox", { name: /Name/ }), "Contoso");
    await userEvent.type(screen.getByRole("textbox", { name: /Tenant ID/ }), "contoso.com");
    await userEvent.click(
      screen.getByRole("button", { name: /Use Microsoft Graph Command Line Tools/ }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Add and sign in" }));
    await userEvent.click(
      await screen.findByRole("button", { name: "Sign in for this session only" }),
    );
    expect(signIn).toHaveBeenLastCalledWith("Contoso", true);
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(SAMPLE_SUMMARY));
    expect(backend.removeProfile).not.toHaveBeenCalled();
  });

  it("offers to sign in again right beside a saved tenant's sign-in error", async () => {
    const signIn = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "signInCancelled",
        message:
          "The sign-in was declined. Sign in again when you are ready, and accept the request.",
        requestId: null,
      })
      .mockResolvedValueOnce(SAMPLE_SUMMARY);
    const { onSignedIn } = renderPanel({
      savedProfiles: () => Promise.resolve([CONTOSO]),
      signIn,
    });
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    await userEvent.click(await screen.findByRole("button", { name: "Sign in to Contoso" }));
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(SAMPLE_SUMMARY));
    expect(signIn).toHaveBeenCalledTimes(2);
  });
});
