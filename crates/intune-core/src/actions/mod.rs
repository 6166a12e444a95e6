//! The remote actions: which apply to a device and why, how to choose between recovering and
//! removing a passcode, sending them safely, following their outcome, and the secrets they yield.

pub mod eligibility;
mod follow;
pub mod guidance;
pub mod in_flight;
pub mod kind;
pub mod limiter;
pub mod lost_answer;
pub mod pins;
mod refusal;
pub mod reveal;
pub mod runs;
pub mod service;
pub mod sources;

pub use eligibility::{Facts, History, PinRecord, Readiness, Reason, Severity, Verdict};
pub use kind::ActionKind;
pub use reveal::{Revealed, SecretKind};
pub use runs::{RunControl, RunMode, RunStatus, RunSummary};
pub use service::{
    ActionService, Actor, DeviceOutcome, DeviceReview, FollowUpdate, ResultMark, ReviewRow,
    RunEvent, RunReport, SendRequest, SendState,
};
pub use sources::{Cited, Source, SourceKind};
