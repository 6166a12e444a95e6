//! "This device": an id, a serial number or an exact name, resolved to exactly one device, or a
//! clear answer when none or several match.

use super::device::Device;
use super::inventory::Inventory;
use super::odata;
use super::remote::{self, is_guid};
use super::search::DeviceQuery;
use crate::graph::GraphClient;
use crate::{Error, Result};

/// How many candidates an ambiguity error names.
const NAMED: usize = 10;

/// The one device `text` names. Uses the local inventory when there is one, Graph otherwise; a
/// device id is always read from Graph.
pub async fn resolve(
    client: &GraphClient,
    inventory: Option<&Inventory>,
    text: &str,
    admin_center: &str,
) -> Result<Device> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::InvalidInput {
            what: "the device",
            why: "it is empty; give a device ID, serial number or exact device name".into(),
        });
    }
    DeviceQuery::text(text).normalised_text()?;
    if is_guid(text) {
        return Ok(remote::details(client, text, admin_center).await?.device);
    }
    let exact = |d: &Device| {
        d.serial_number.eq_ignore_ascii_case(text)
            || d.device_name.to_lowercase() == text.to_lowercase()
    };
    let mut candidates: Vec<Device> = match inventory.and_then(Inventory::index) {
        Some(index) => index
            .devices()
            .iter()
            .filter(|d| exact(d))
            .cloned()
            .collect(),
        None => {
            let mut found = Vec::new();
            for filter in [
                odata::eq("serialNumber", text),
                odata::eq("deviceName", text),
            ] {
                for device in remote::list(client, Some(&filter), |_| {}).await? {
                    if exact(&device) && !found.iter().any(|f: &Device| f.id == device.id) {
                        found.push(device);
                    }
                }
            }
            found
        }
    };
    // A serial match beats name matches: serials are unique, names are not.
    let by_serial: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].serial_number.eq_ignore_ascii_case(text))
        .collect();
    if let [only] = by_serial[..] {
        return Ok(candidates.swap_remove(only));
    }
    match candidates.len() {
        0 => Err(Error::DeviceNotFound(text.into())),
        1 => Ok(candidates.remove(0)),
        count => {
            candidates.sort_by(|a, b| a.device_name.cmp(&b.device_name).then(a.id.cmp(&b.id)));
            let mut named: Vec<String> = candidates
                .iter()
                .take(NAMED)
                .map(|d| {
                    format!(
                        "{} ({}, serial {}, user {}, id {})",
                        d.device_name,
                        d.operating_system,
                        d.serial_number,
                        d.user_principal_name,
                        d.id
                    )
                })
                .collect();
            if count > NAMED {
                named.push(format!("and {} more", count - NAMED));
            }
            Err(Error::Ambiguous {
                query: text.into(),
                count,
                candidates: named.join("; "),
            })
        }
    }
}
