//! Finding devices: the device model, the local inventory and its search, and Graph reads.

pub mod device;
pub mod device_list;
pub mod inventory;
pub mod odata;
pub mod pinned;
pub mod remote;
pub mod resolve;
pub mod search;

pub use device::{ActionResult, Device, DeviceDetails, Ownership, Platform};
pub use inventory::{Inventory, InventoryFile, InventoryStatus, RefreshMode};
pub use search::{DeviceIndex, DeviceQuery, SearchPage};
