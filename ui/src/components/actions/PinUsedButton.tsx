import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import { CheckmarkRegular } from "@fluentui/react-icons";
import { useState } from "react";

interface Props {
  deviceName: string;
  onConfirm(): void;
}

/**
 * "The user typed the PIN", asked once more in place (no second modal over the page): it deletes
 * the kept PIN for good.
 */
export function PinUsedButton({ deviceName, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button icon={<CheckmarkRegular />} id="pin-used" onClick={() => setAsking(true)}>
        The user typed the PIN
      </Button>
    );
  }
  return (
    <MessageBar
      intent="warning"
      layout="multiline"
      role="group"
      aria-label="Confirm the PIN was used"
    >
      <MessageBarBody>
        <MessageBarTitle>Did the user unlock {deviceName} with the PIN?</MessageBarTitle>
        The PIN is then deleted from your keychain for good, and a new lock of this Mac is allowed
        again. If the Mac is still locked, keep the PIN.
      </MessageBarBody>
      <MessageBarActions>
        <Button
          appearance="primary"
          id="pin-used-confirm"
          autoFocus
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          Yes, the Mac is unlocked
        </Button>
        <Button onClick={() => setAsking(false)}>Keep the PIN</Button>
      </MessageBarActions>
    </MessageBar>
  );
}
