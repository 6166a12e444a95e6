//! A list of devices as an admin has it: serial numbers, names or IDs, one per line, or rows
//! copied from Excel (tab-separated) or a CSV file. Each line is matched against the device list
//! before anything is sent, and the admin sees what matched, what named a device already named,
//! what matched several devices and what matched nothing.

use std::collections::HashMap;

use serde::Serialize;

use super::device::Device;
use crate::{Error, Result};

/// More lines than any fleet action needs; a larger file is most likely the wrong file.
pub const MAX_LINES: usize = 50_000;

/// What a list matched, line by line (lines count from 1, as an editor shows them).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ListMatch {
    /// One line per device, in the list's order.
    pub matched: Vec<Matched>,
    /// Lines naming a device an earlier line named: it is sent to once.
    pub repeated: Vec<Repeated>,
    /// Lines matching several devices (a name two devices share): none of them is taken.
    pub ambiguous: Vec<Ambiguous>,
    /// Lines matching no device.
    pub unmatched: Vec<Entry>,
    /// A first line of column titles, left out.
    pub header: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub line: u32,
    /// The line as written (trimmed).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Matched {
    pub line: u32,
    pub text: String,
    pub device: Device,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Repeated {
    pub line: u32,
    pub text: String,
    pub device_id: String,
    /// The line that named the device first.
    pub first_line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Ambiguous {
    pub line: u32,
    pub text: String,
    pub devices: Vec<Device>,
}

impl ListMatch {
    /// The device IDs to act on, in the list's order, each once.
    pub fn device_ids(&self) -> Vec<String> {
        self.matched.iter().map(|m| m.device.id.clone()).collect()
    }

    /// Whether some line was left out (matched nothing, or several devices).
    pub fn has_leftovers(&self) -> bool {
        !self.unmatched.is_empty() || !self.ambiguous.is_empty()
    }
}

/// Finds each device by ID (managed or Entra), serial number or exact name, ignoring case.
struct Lookup<'a> {
    devices: &'a [Device],
    by_id: HashMap<String, usize>,
    by_serial: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Lookup<'a> {
    fn new(devices: &'a [Device]) -> Self {
        let mut lookup = Lookup {
            devices,
            by_id: HashMap::new(),
            by_serial: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, d) in devices.iter().enumerate() {
            lookup.by_id.insert(d.id.to_lowercase(), i);
            if !d.azure_ad_device_id.is_empty() {
                lookup
                    .by_id
                    .entry(d.azure_ad_device_id.to_lowercase())
                    .or_insert(i);
            }
            if !d.serial_number.trim().is_empty() {
                lookup
                    .by_serial
                    .entry(d.serial_number.trim().to_lowercase())
                    .or_default()
                    .push(i);
            }
            if !d.device_name.trim().is_empty() {
                lookup
                    .by_name
                    .entry(d.device_name.trim().to_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        lookup
    }

    /// The devices a cell names: an ID first, then a serial, then a name.
    fn find(&self, cell: &str) -> Vec<usize> {
        let key = cell.trim().to_lowercase();
        if key.is_empty() {
            return Vec::new();
        }
        if let Some(&i) = self.by_id.get(&key) {
            return vec![i];
        }
        if let Some(found) = self.by_serial.get(&key) {
            return found.clone();
        }
        self.by_name.get(&key).cloned().unwrap_or_default()
    }
}

/// Matches every line of `text` against `devices` (the tenant's device list).
pub fn match_list(text: &str, devices: &[Device]) -> Result<ListMatch> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_LINES {
        return Err(Error::InvalidInput {
            what: "the device list",
            why: format!(
                "it has {} lines; at most {MAX_LINES} devices are taken at once",
                lines.len()
            ),
        });
    }
    let lookup = Lookup::new(devices);
    let mut result = ListMatch::default();
    let mut first_line: HashMap<String, u32> = HashMap::new();
    let mut seen_content = false;
    for (index, raw) in lines.iter().enumerate() {
        let line_number = index as u32 + 1;
        let line = raw.trim().trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let entry = Entry {
            line: line_number,
            text: line.to_string(),
        };
        // The whole line first (a name may hold a comma), then each of its cells.
        let candidates = std::iter::once(unquote(line)).chain(cells(line));
        let mut unique = None;
        let mut several: Option<Vec<usize>> = None;
        for cell in candidates {
            match lookup.find(&cell).as_slice() {
                [] => {}
                [one] => {
                    unique = Some(*one);
                    break;
                }
                many => {
                    several.get_or_insert_with(|| many.to_vec());
                }
            }
        }
        let first = !seen_content;
        seen_content = true;
        match (unique, several) {
            (Some(i), _) => {
                let device = &lookup.devices[i];
                match first_line.get(&device.id) {
                    Some(&first) => result.repeated.push(Repeated {
                        line: line_number,
                        text: entry.text,
                        device_id: device.id.clone(),
                        first_line: first,
                    }),
                    None => {
                        first_line.insert(device.id.clone(), line_number);
                        result.matched.push(Matched {
                            line: line_number,
                            text: entry.text,
                            device: device.clone(),
                        });
                    }
                }
            }
            (None, Some(many)) => result.ambiguous.push(Ambiguous {
                line: line_number,
                text: entry.text,
                devices: many.iter().map(|&i| lookup.devices[i].clone()).collect(),
            }),
            (None, None) if first && looks_like_titles(line) => {
                result.header = Some(entry.text);
            }
            (None, None) => result.unmatched.push(entry),
        }
    }
    Ok(result)
}

/// A line's cells: Excel copies rows with tabs between cells; CSV files use commas or semicolons.
fn cells(line: &str) -> Vec<String> {
    let separator = ['\t', ';', ','].into_iter().find(|s| line.contains(*s));
    match separator {
        Some(separator) => line.split(separator).map(unquote).collect(),
        None => Vec::new(),
    }
}

fn unquote(cell: &str) -> String {
    let cell = cell.trim();
    cell.strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(cell)
        .replace("\"\"", "\"")
        .trim()
        .to_string()
}

/// Column titles such as "Device name, Serial number, Primary user".
fn looks_like_titles(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["serial", "name", "device", "id", "user"]
        .iter()
        .any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::search::tests::device;

    fn fleet() -> Vec<Device> {
        let mut twin = device(
            "33333333-3333-3333-3333-333333333333",
            "Ada's MacBook Pro",
            "C02TWIN",
            "ada@contoso.com",
        );
        twin.azure_ad_device_id = "aad-twin".into();
        vec![
            device(
                "11111111-1111-1111-1111-111111111111",
                "Ada's MacBook Pro",
                "C02ADA",
                "ada@contoso.com",
            ),
            device(
                "22222222-2222-2222-2222-222222222222",
                "Ben's iPad, 2024",
                "DMPBEN",
                "ben@contoso.com",
            ),
            twin,
        ]
    }

    fn lines(found: &[Entry]) -> Vec<u32> {
        found.iter().map(|e| e.line).collect()
    }

    #[test]
    fn serials_names_and_ids_one_per_line_each_device_once() {
        let text = "c02ada\n\n  DMPBEN  \n22222222-2222-2222-2222-222222222222\nZZZ999\nAda's MacBook Pro\naad-twin\n";
        let found = match_list(text, &fleet()).expect("matches");
        let names: Vec<(u32, &str)> = found
            .matched
            .iter()
            .map(|m| (m.line, m.device.serial_number.as_str()))
            .collect();
        assert_eq!(names, [(1, "C02ADA"), (3, "DMPBEN"), (7, "C02TWIN")]);
        assert_eq!(found.repeated.len(), 1);
        assert_eq!(
            (found.repeated[0].line, found.repeated[0].first_line),
            (4, 3),
            "the ID names the iPad line 3 named"
        );
        assert_eq!(lines(&found.unmatched), [5]);
        assert_eq!(found.ambiguous.len(), 1, "two Macs share the name");
        assert_eq!(found.ambiguous[0].line, 6);
        assert_eq!(found.ambiguous[0].devices.len(), 2);
        assert!(found.header.is_none());
        assert!(found.has_leftovers());
        assert_eq!(
            found.device_ids(),
            [
                "11111111-1111-1111-1111-111111111111",
                "22222222-2222-2222-2222-222222222222",
                "33333333-3333-3333-3333-333333333333"
            ]
        );
    }

    #[test]
    fn rows_from_excel_or_a_csv_file_with_their_titles() {
        // Excel: tab-separated; the shared name is settled by the serial beside it.
        let excel = "Device name\tSerial number\tUser\r\nAda's MacBook Pro\tC02TWIN\tAda\r\n";
        let found = match_list(excel, &fleet()).expect("matches");
        assert_eq!(
            found.header.as_deref(),
            Some("Device name\tSerial number\tUser")
        );
        assert_eq!(found.matched.len(), 1);
        assert_eq!(found.matched[0].device.serial_number, "C02TWIN");
        assert!(found.ambiguous.is_empty());

        // CSV with quotes, a byte-order mark, and a name holding a comma.
        let csv = "\u{feff}\"Serial\";\"Name\"\n\"DMPBEN\";\"x\"\n\"Ben's iPad, 2024\"\n";
        let found = match_list(csv, &fleet()).expect("matches");
        assert!(found.header.is_some());
        assert_eq!(found.matched.len(), 1);
        assert_eq!(found.repeated.len(), 1, "the name names the same iPad");
        assert!(found.unmatched.is_empty());
    }

    #[test]
    fn a_first_line_that_is_not_titles_is_reported_and_a_huge_file_refused() {
        let found = match_list("NOPE-1\nC02ADA", &fleet()).expect("matches");
        assert!(found.header.is_none());
        assert_eq!(lines(&found.unmatched), [1]);
        let huge = "x\n".repeat(MAX_LINES + 1);
        let error = match_list(&huge, &fleet()).expect_err("too long");
        assert!(error.to_string().contains("at most 50000"), "{error}");
        assert_eq!(
            match_list("", &fleet()).expect("empty"),
            ListMatch::default()
        );
    }
}
