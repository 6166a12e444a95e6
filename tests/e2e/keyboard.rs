//! The main flow from the keyboard alone: find a Mac, lock it, reveal its PIN; the focus shows
//! where it is, goes into each dialog when it opens and back where it was when it closes.

use crate::scenarios::demo_device;
use crate::{Ctx, Outcome, check};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

pub fn find_a_mac_lock_it_and_reveal_its_pin_from_the_keyboard_alone<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let mac = demo_device("a corporate Mac that checks in", |d| {
            d.platform == tenant_sim::fleet::Platform::MacOs
                && d.owner_type == "company"
                && d.is_encrypted
                && d.hidden.check_in == tenant_sim::fleet::CheckIn::Prompt
        })?;
        let app = ctx.app;
        app.wait_for_text("#inventory-status", "the fetched device list", |t| {
            t.starts_with("500 devices")
        })
        .await?;
        // The search has the focus at start; away from it, "/" brings it back.
        check!(
            app.focus_is("#device-search").await?,
            "the search does not have the focus at start: {}",
            app.focus_description().await
        );
        app.press(TAB).await?;
        check!(
            !app.focus_is("#device-search").await?,
            "Tab did not leave the search"
        );
        app.press("/").await?;
        check!(
            app.focus_is("#device-search").await?,
            "\"/\" did not go to the search: {}",
            app.focus_description().await
        );
        app.press(&mac.serial_number).await?;
        app.wait_for_text("#result-count", "exactly one match", |t| t == "1 device")
            .await?;
        app.press(ENTER).await?;
        app.wait_for_text(
            "[data-action='remoteLock'] [data-readiness]",
            "lock ready",
            |t| t == "Ready",
        )
        .await?;

        // Lock: Tab to the action, Enter; the dialog takes the focus.
        app.tab_to("[data-send='remoteLock']", 80).await?;
        ctx.shot("keyboard-lock-focused");
        app.press(ENTER).await?;
        app.wait_for_text("#confirm-effect", "the confirmation", |t| {
            t.contains("six-digit PIN")
        })
        .await?;
        check!(
            app.focus_is("[role='dialog'] *, [role='alertdialog'] *")
                .await?,
            "the confirmation opened but the focus stayed outside it: {}",
            app.focus_description().await
        );
        app.tab_to("#confirm-justification", 10).await?;
        app.press("INC-4343 laptop stolen").await?;
        app.tab_to("#confirm-send", 10).await?;
        app.press(ENTER).await?;
        app.wait_for_text("#send-outcome", "Intune accepting it", |t| {
            t.contains("Intune accepted it")
        })
        .await?;
        app.wait_for_text("#action-progress", "the lock completing", |t| {
            t.starts_with("Locked.")
        })
        .await?;

        // Reveal the PIN: Tab to it, Enter, a reason, Enter; Escape closes and the focus is back.
        app.tab_to("[data-reveal='unlockPin']", 80).await?;
        app.press(ENTER).await?;
        app.wait_for_text("[role='dialog']", "the reveal dialog", |t| !t.is_empty())
            .await?;
        check!(
            app.focus_is("[role='dialog'] *, [role='alertdialog'] *")
                .await?,
            "the reveal dialog opened but the focus stayed outside it: {}",
            app.focus_description().await
        );
        app.tab_to("#reveal-justification", 10).await?;
        app.press("INC-4343 user verified by phone").await?;
        app.tab_to("#reveal-confirm", 10).await?;
        app.press(ENTER).await?;
        let pin = app
            .wait_for_text("#revealed-value", "a six-digit PIN", |t| {
                t.len() == 6 && t.chars().all(|c| c.is_ascii_digit())
            })
            .await?;
        check!(pin.len() == 6, "the PIN is {pin:?}");
        ctx.shot("keyboard-pin");
        app.press(ESCAPE).await?;
        app.wait_until_gone("[role='dialog']").await?;
        check!(
            app.focus_is("[data-reveal='unlockPin']").await?,
            "closing the reveal dialog left the focus on {}",
            app.focus_description().await
        );
        Ok(())
    })
}
