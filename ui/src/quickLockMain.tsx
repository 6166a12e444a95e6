import { mountPage } from "./mountPage";
import { QuickLockApp } from "./QuickLockApp";
import { startTypeAhead } from "./typeAhead";

// Keys typed before the search field exists are kept for it.
startTypeAhead();

mountPage(<QuickLockApp />);
