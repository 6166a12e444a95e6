//! Searching the local inventory on every keystroke: filters first, then the text, ranked so an
//! exact serial or name comes first.
//!
//! The index keeps one lower-cased "haystack" per device and the devices pre-sorted by name, so a
//! search is one walk in name order that drops each match into its rank's bucket (no sort). The
//! last result is kept: another page of it costs nothing, and a longer text (the next keystroke)
//! searches only the devices the shorter one matched.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use super::device::{Device, Ownership, Platform};
use crate::{Error, Result};

/// Longer than any device name, serial or UPN Intune accepts.
pub const MAX_QUERY_CHARS: usize = 300;
const SEPARATOR: char = '\u{1}';

/// What the admin asked for: free text plus optional filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceQuery {
    /// A device name, serial number, user UPN or email, or device id; words must all match.
    pub text: String,
    /// Empty means every platform.
    pub platforms: Vec<Platform>,
    pub ownership: Option<Ownership>,
    pub supervised: Option<bool>,
    pub encrypted: Option<bool>,
    /// Graph's `complianceState`, e.g. "compliant", "noncompliant".
    pub compliance: Option<String>,
    /// Checked in within this many days.
    pub checked_in_within_days: Option<u32>,
    /// Not checked in for at least this many days (never counts).
    pub not_checked_in_for_days: Option<u32>,
    /// A column to order by instead of the best match first.
    pub sort: Option<DeviceSort>,
}

/// A column of the device list the admin sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SortColumn {
    Name,
    Serial,
    User,
    Platform,
    Owner,
    CheckIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceSort {
    pub column: SortColumn,
    pub descending: bool,
}

/// What a device is ordered by in a column; ties keep name order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Text(String),
    Platform(Platform, Vec<u32>),
    Owner(Ownership),
    /// Never checked in sorts as the oldest.
    Time(Option<DateTime<Utc>>),
}

impl DeviceSort {
    fn key(self, d: &Device) -> SortKey {
        match self.column {
            SortColumn::Name => SortKey::Text(d.device_name.to_lowercase()),
            SortColumn::Serial => SortKey::Text(d.serial_number.to_lowercase()),
            SortColumn::User => SortKey::Text(
                if d.user_display_name.is_empty() {
                    &d.user_principal_name
                } else {
                    &d.user_display_name
                }
                .to_lowercase(),
            ),
            // Platforms in their declared order; "15.10" after "15.9": versions compare part by part.
            SortColumn::Platform => SortKey::Platform(
                d.platform,
                d.os_version
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|part| part.parse().ok())
                    .collect(),
            ),
            SortColumn::Owner => SortKey::Owner(d.ownership),
            SortColumn::CheckIn => SortKey::Time(d.last_sync),
        }
    }

    /// Devices sorted by this column, keeping the present order among equals.
    pub fn apply(self, devices: Vec<Device>) -> Vec<Device> {
        self.order(devices, |d| self.key(d))
    }

    /// Sorted by a key, keeping the present order among equals (in either direction).
    fn order<T>(self, items: Vec<T>, key: impl Fn(&T) -> SortKey) -> Vec<T> {
        let mut keyed: Vec<(SortKey, T)> =
            items.into_iter().map(|item| (key(&item), item)).collect();
        if self.descending {
            keyed.sort_by(|a, b| b.0.cmp(&a.0));
        } else {
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
        }
        keyed.into_iter().map(|(_, item)| item).collect()
    }
}

impl DeviceQuery {
    pub fn text(text: &str) -> Self {
        DeviceQuery {
            text: text.into(),
            ..Default::default()
        }
    }

    /// The text as searched: trimmed, inner whitespace collapsed, lower case. Too long is an error
    /// rather than a silent miss.
    pub fn normalised_text(&self) -> Result<String> {
        let chars = self.text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(Error::InvalidInput {
                what: "the search text",
                why: format!(
                    "it is {chars} characters long; device names, serial numbers and user names are at most {MAX_QUERY_CHARS}"
                ),
            });
        }
        Ok(self
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase())
    }

    pub fn matches_filters(&self, device: &Device, now: DateTime<Utc>) -> bool {
        if !self.platforms.is_empty() && !self.platforms.contains(&device.platform) {
            return false;
        }
        if self.ownership.is_some_and(|o| o != device.ownership) {
            return false;
        }
        if self.supervised.is_some_and(|s| s != device.is_supervised) {
            return false;
        }
        if self.encrypted.is_some_and(|e| e != device.is_encrypted) {
            return false;
        }
        if let Some(state) = &self.compliance
            && !state.eq_ignore_ascii_case(&device.compliance_state)
        {
            return false;
        }
        if let Some(days) = self.checked_in_within_days {
            let since = now - Duration::days(i64::from(days));
            if device.last_sync.is_none_or(|t| t < since) {
                return false;
            }
        }
        if let Some(days) = self.not_checked_in_for_days {
            let before = now - Duration::days(i64::from(days));
            if device.last_sync.is_some_and(|t| t >= before) {
                return false;
            }
        }
        true
    }
}

/// How well a device matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    ExactId,
    ExactSerial,
    ExactName,
    ExactUser,
    Prefix,
    NameOrSerial,
    Other,
}

const RANKS: usize = Rank::Other as usize + 1;

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// How many devices match in all.
    pub total: u32,
    pub offset: u32,
    pub devices: Vec<Device>,
}

/// The inventory, ready to search.
pub struct DeviceIndex {
    devices: Vec<Device>,
    /// Every device's haystack (name, serial, upn, email, display name, model, id, Entra device
    /// id; lower case), one after another in name order, so a search reads memory in one sweep.
    text: String,
    /// For each place in name order: where each field of its haystack starts in `text`, and one
    /// past the end of the last.
    fields: Vec<[u32; FIELDS + 1]>,
    /// Device positions sorted by name, then id.
    by_name: Vec<u32>,
    /// For each place in name order: which characters its fields hold, so a search for one
    /// character (the first keystroke, which looks at every device) tests bits, not text.
    chars: Vec<CharSet>,
    /// The last search: a page of the same query reuses it, and typing one more character only
    /// narrows it.
    last: Mutex<Option<Arc<Hits>>>,
}

const FIELDS: usize = 8;

struct Hits {
    text: String,
    filters: DeviceQuery,
    /// Matching devices as places in `by_name`, in name order: the next, longer text searches
    /// only these.
    matched: Vec<u32>,
    /// The same devices (positions in `devices`), best match first, then by name.
    ranked: Arc<[u32]>,
    /// The same devices in the order of the column last sorted by.
    sorted: Mutex<Option<(DeviceSort, Arc<[u32]>)>>,
}

impl Hits {
    /// Positions in the order asked for: a column's order is worked out once per search.
    fn in_order(&self, sort: Option<DeviceSort>, index: &DeviceIndex) -> Arc<[u32]> {
        let Some(sort) = sort else {
            return Arc::clone(&self.ranked);
        };
        let mut cached = self
            .sorted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((by, order)) = cached.as_ref()
            && *by == sort
        {
            return Arc::clone(order);
        }
        // From name order, so equals stay in name order.
        let in_name_order: Vec<u32> = self
            .matched
            .iter()
            .map(|&o| index.by_name[o as usize])
            .collect();
        let order: Arc<[u32]> = sort
            .order(in_name_order, |&p| sort.key(&index.devices[p as usize]))
            .into();
        *cached = Some((sort, Arc::clone(&order)));
        order
    }
}

impl DeviceIndex {
    pub fn new(devices: Vec<Device>) -> Self {
        let mut by_name: Vec<u32> = (0..devices.len() as u32).collect();
        by_name.sort_by_cached_key(|&i| {
            let d = &devices[i as usize];
            (d.device_name.to_lowercase(), d.id.clone())
        });
        let mut text = String::new();
        let mut fields = Vec::with_capacity(devices.len());
        let mut chars = Vec::with_capacity(devices.len());
        for &position in &by_name {
            let hay = haystack(&devices[position as usize]);
            let start = text.len() as u32;
            let bounds = field_bounds(&hay);
            chars.push(CharSet::of(&hay, &bounds));
            fields.push(bounds.map(|b| start + b));
            text.push_str(&hay);
            text.push(SEPARATOR);
        }
        text.shrink_to_fit();
        DeviceIndex {
            devices,
            text,
            fields,
            by_name,
            chars,
            last: Mutex::new(None),
        }
    }

    /// The haystack at a place in name order, and its field bounds.
    fn haystack_at(&self, order: u32) -> (&str, &[u32; FIELDS + 1]) {
        let bounds = &self.fields[order as usize];
        let (start, end) = (bounds[0] as usize, bounds[FIELDS] as usize - 1);
        (&self.text[start..end], bounds)
    }

    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// Every device whose primary user is `upn` (ignoring case), by name: "every device of this
    /// user" for a departing employee.
    pub fn devices_of_user(&self, upn: &str) -> Vec<Device> {
        let upn = upn.trim();
        if upn.is_empty() {
            return Vec::new();
        }
        self.by_name
            .iter()
            .map(|&position| &self.devices[position as usize])
            .filter(|d| d.user_principal_name.eq_ignore_ascii_case(upn))
            .cloned()
            .collect()
    }

    /// Matching devices, best first, then by name.
    pub fn search(&self, query: &DeviceQuery, now: DateTime<Utc>) -> Result<Vec<&Device>> {
        let hits = self.hits(query, now)?;
        Ok(hits
            .in_order(query.sort, self)
            .iter()
            .map(|&position| &self.devices[position as usize])
            .collect())
    }

    pub fn page(
        &self,
        query: &DeviceQuery,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<SearchPage> {
        let hits = self.hits(query, now)?;
        let order = hits.in_order(query.sort, self);
        let devices = order
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&position| self.devices[position as usize].clone())
            .collect();
        Ok(SearchPage {
            total: order.len() as u32,
            offset: offset as u32,
            devices,
        })
    }

    fn hits(&self, query: &DeviceQuery, now: DateTime<Utc>) -> Result<Arc<Hits>> {
        let text = query.normalised_text()?;
        let filters = DeviceQuery {
            text: String::new(),
            sort: None,
            ..query.clone()
        };
        let previous = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        // Check-in age filters move with the clock: those searches always start afresh.
        let clock_free =
            filters.checked_in_within_days.is_none() && filters.not_checked_in_for_days.is_none();
        let narrowed = previous.filter(|p| clock_free && p.filters == filters);
        if let Some(same) = narrowed.as_ref().filter(|p| p.text == text) {
            return Ok(Arc::clone(same));
        }
        // Every device matching the longer text also matched the text it extends.
        let candidates = narrowed.filter(|p| text.starts_with(p.text.as_str()));
        let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        // Built once per search: a SIMD substring finder per word.
        let finders: Vec<Finder> = words.iter().map(|w| Finder::new(w.as_bytes())).collect();
        let filtered = filters != DeviceQuery::default();
        let sweep = Sweep {
            index: self,
            query,
            now,
            filtered,
            text: &text,
            finders: &finders,
            one_char: one_char_bit(&text),
        };
        let (matched, ranked) = match &candidates {
            Some(previous) => sweep.run(&previous.matched),
            None => sweep.run_all(),
        };
        let hits = Arc::new(Hits {
            text,
            filters,
            matched,
            ranked,
            sorted: Mutex::new(None),
        });
        *self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&hits));
        Ok(hits)
    }
}

/// Below this many devices to look at, one thread is quicker than starting more.
const PARALLEL_FROM: usize = 16_384;

/// One search's walk over the devices it must look at, in name order.
struct Sweep<'a> {
    index: &'a DeviceIndex,
    query: &'a DeviceQuery,
    now: DateTime<Utc>,
    filtered: bool,
    text: &'a str,
    finders: &'a [Finder<'a>],
    /// The text's bit in [`CharSet`] when it is one character that has one.
    one_char: Option<u64>,
}

/// The devices a part of the walk matched (places in name order) and each rank's bucket.
type Found = (Vec<u32>, [Vec<u32>; RANKS]);

impl Sweep<'_> {
    /// Every device: the first keystroke, the search's slowest case.
    fn run_all(&self) -> (Vec<u32>, Arc<[u32]>) {
        let all: Vec<u32> = (0..self.index.by_name.len() as u32).collect();
        self.run(&all)
    }

    /// The walk, split into consecutive parts on every core when there is enough to share: each
    /// part keeps name order, so joining the parts' buckets in order keeps it too.
    fn run(&self, orders: &[u32]) -> (Vec<u32>, Arc<[u32]>) {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(orders.len() / PARALLEL_FROM)
            .max(1);
        self.run_in(orders, threads)
    }

    fn run_in(&self, orders: &[u32], threads: usize) -> (Vec<u32>, Arc<[u32]>) {
        let parts: Vec<Found> = if threads == 1 {
            vec![self.part(orders)]
        } else {
            let chunk = orders.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let running: Vec<_> = orders
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || self.part(part)))
                    .collect();
                running
                    .into_iter()
                    .map(|handle| {
                        handle
                            .join()
                            .unwrap_or_else(|e| std::panic::resume_unwind(e))
                    })
                    .collect()
            })
        };
        let total: usize = parts.iter().map(|(m, _)| m.len()).sum();
        let mut matched = Vec::with_capacity(total);
        let mut ranked = Vec::with_capacity(total);
        for (part, _) in &parts {
            matched.extend_from_slice(part);
        }
        for rank in 0..RANKS {
            for (_, by_rank) in &parts {
                ranked.extend_from_slice(&by_rank[rank]);
            }
        }
        (matched, ranked.into())
    }

    fn part(&self, orders: &[u32]) -> Found {
        let index = self.index;
        let mut matched = Vec::with_capacity(orders.len());
        let mut by_rank: [Vec<u32>; RANKS] = Default::default();
        for &order in orders {
            let position = index.by_name[order as usize];
            if self.filtered
                && !self
                    .query
                    .matches_filters(&index.devices[position as usize], self.now)
            {
                continue;
            }
            let rank = match (self.one_char, self.finders) {
                (Some(bit), _) => match index.chars[order as usize].rank(bit) {
                    OneChar::Absent => continue,
                    OneChar::Ranked(rank) => rank,
                    OneChar::CheckText => {
                        let (hay, bounds) = index.haystack_at(order);
                        rank(hay, &relative(bounds), self.text)
                    }
                },
                (None, finders) => match self.rank_text(order, finders) {
                    Some(rank) => rank,
                    None => continue,
                },
            };
            matched.push(order);
            // The walk follows name order, so each bucket stays in name order: no sort needed.
            by_rank[rank as usize].push(position);
        }
        (matched, by_rank)
    }

    /// How the haystack at a place in name order matches the text's words, if it does.
    fn rank_text(&self, order: u32, finders: &[Finder]) -> Option<Rank> {
        let (hay, bounds) = self.index.haystack_at(order);
        Some(match finders {
            [] => Rank::Other,
            // One word: its first place in the haystack both decides the match and, since
            // name and serial come first, most of the rank.
            [finder] => rank_found(
                hay,
                &relative(bounds),
                self.text,
                finder.find(hay.as_bytes())?,
            ),
            _ if finders.iter().all(|f| f.find(hay.as_bytes()).is_some()) => {
                rank(hay, &relative(bounds), self.text)
            }
            _ => return None,
        })
    }
}

/// Characters a [`CharSet`] keeps a bit for: letters and digits (the haystack is lower case), then
/// the punctuation names, serials and addresses use. Any other character is searched as text.
const PUNCTUATION: &str = "-._@'()&,+/:#!$%*;=?[]~";

/// A character's bit in a [`CharSet`].
fn char_bit(c: char) -> Option<u64> {
    let at = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + (c as u32 - '0' as u32),
        _ => 36 + PUNCTUATION.find(c)? as u32,
    };
    Some(1 << at)
}

/// The bit of a text that is one character with a bit.
fn one_char_bit(text: &str) -> Option<u64> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => char_bit(c),
        _ => None,
    }
}

/// The characters of one device's haystack, as [`rank`] needs them for a one-character text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CharSet {
    /// In any field.
    anywhere: u64,
    /// In the name or the serial.
    name_or_serial: u64,
    /// Leading the name or the serial.
    leading: u64,
    /// A field [`rank`] compares whole (name, serial, UPN, email, ids) is one character long, so
    /// one character may equal it: such devices are ranked from their text.
    short_field: bool,
}

/// What a [`CharSet`] says about one character.
#[derive(Debug, PartialEq)]
enum OneChar {
    Absent,
    Ranked(Rank),
    CheckText,
}

impl CharSet {
    fn of(hay: &str, bounds: &[u32; FIELDS + 1]) -> Self {
        let field = |i: usize| {
            let start = bounds[i] as usize;
            let end = (bounds[i + 1] as usize).saturating_sub(1).max(start);
            hay.get(start..end).unwrap_or("")
        };
        let bits = |text: &str| text.chars().filter_map(char_bit).fold(0, |all, b| all | b);
        let leading = |text: &str| text.chars().next().and_then(char_bit).unwrap_or(0);
        let (name, serial) = (field(0), field(1));
        CharSet {
            anywhere: (0..FIELDS).fold(0, |all, i| all | bits(field(i))),
            name_or_serial: bits(name) | bits(serial),
            leading: leading(name) | leading(serial),
            short_field: [0, 1, 2, 3, 6, 7]
                .into_iter()
                .any(|i| field(i).chars().count() == 1),
        }
    }

    /// [`rank`] of the one character whose bit this is.
    fn rank(&self, bit: u64) -> OneChar {
        if self.anywhere & bit == 0 {
            OneChar::Absent
        } else if self.short_field {
            OneChar::CheckText
        } else if self.leading & bit != 0 {
            OneChar::Ranked(Rank::Prefix)
        } else if self.name_or_serial & bit != 0 {
            OneChar::Ranked(Rank::NameOrSerial)
        } else {
            OneChar::Ranked(Rank::Other)
        }
    }
}

/// True when the device matches the query's text and filters: the same test the local search
/// applies, used to re-check what Graph returned.
pub fn matches(device: &Device, query: &DeviceQuery, now: DateTime<Utc>) -> Result<bool> {
    let text = query.normalised_text()?;
    let hay = haystack(device);
    Ok(query.matches_filters(device, now) && text.split(' ').all(|w| hay.contains(w)))
}

/// Sorts Graph's answers the way local search would.
pub fn rank_devices(devices: &mut [Device], query: &DeviceQuery) -> Result<()> {
    let text = query.normalised_text()?;
    devices.sort_by_cached_key(|d| {
        let hay = haystack(d);
        (
            rank(&hay, &field_bounds(&hay), &text),
            d.device_name.to_lowercase(),
            d.id.clone(),
        )
    });
    Ok(())
}

/// Bounds within the haystack itself.
fn relative(bounds: &[u32; FIELDS + 1]) -> [u32; FIELDS + 1] {
    bounds.map(|b| b - bounds[0])
}

/// Where each field of a haystack starts, and one past the end of the last.
fn field_bounds(hay: &str) -> [u32; FIELDS + 1] {
    let mut bounds = [hay.len() as u32 + 1; FIELDS + 1];
    bounds[0] = 0;
    let separators = hay.match_indices(SEPARATOR).map(|(i, _)| i as u32 + 1);
    for (slot, start) in bounds[1..].iter_mut().zip(separators) {
        *slot = start;
    }
    bounds
}

fn haystack(d: &Device) -> Box<str> {
    [
        d.device_name.as_str(),
        &d.serial_number,
        &d.user_principal_name,
        &d.email_address,
        &d.user_display_name,
        &d.model,
        &d.id,
        &d.azure_ad_device_id,
    ]
    .join(&SEPARATOR.to_string())
    .to_lowercase()
    .into_boxed_str()
}

/// [`rank`] for a text found first at `at`: an occurrence inside the name or the serial is always
/// the first one (they lead the haystack), so only a match there needs the substring checks.
fn rank_found(hay: &str, bounds: &[u32; FIELDS + 1], text: &str, at: usize) -> Rank {
    let serial_end = bounds[2] as usize - 1;
    if at < serial_end {
        return rank(hay, bounds, text);
    }
    let field = |i: usize| {
        let start = bounds[i] as usize;
        let end = (bounds[i + 1] as usize).saturating_sub(1).max(start);
        hay.get(start..end).unwrap_or("")
    };
    if text == field(6) || text == field(7) {
        Rank::ExactId
    } else if text == field(2) || text == field(3) {
        Rank::ExactUser
    } else {
        Rank::Other
    }
}

fn rank(hay: &str, bounds: &[u32; FIELDS + 1], text: &str) -> Rank {
    let field = |i: usize| {
        let start = bounds[i] as usize;
        let end = (bounds[i + 1] as usize).saturating_sub(1).max(start);
        hay.get(start..end).unwrap_or("")
    };
    let (name, serial, upn, email, id, entra_id) =
        (field(0), field(1), field(2), field(3), field(6), field(7));
    if text == id || text == entra_id {
        Rank::ExactId
    } else if text == serial {
        Rank::ExactSerial
    } else if text == name {
        Rank::ExactName
    } else if text == upn || text == email {
        Rank::ExactUser
    } else if name.starts_with(text) || serial.starts_with(text) {
        Rank::Prefix
    } else if name.contains(text) || serial.contains(text) {
        Rank::NameOrSerial
    } else {
        Rank::Other
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn device(id: &str, name: &str, serial: &str, upn: &str) -> Device {
        Device {
            id: id.into(),
            device_name: name.into(),
            platform: Platform::MacOs,
            operating_system: "macOS".into(),
            os_version: "15.1".into(),
            model: "MacBook Pro".into(),
            manufacturer: "Apple".into(),
            serial_number: serial.into(),
            user_principal_name: upn.into(),
            user_display_name: "Someone".into(),
            email_address: upn.into(),
            ownership: Ownership::Company,
            enrollment_type: "appleBulkWithUser".into(),
            is_supervised: true,
            is_encrypted: true,
            compliance_state: "compliant".into(),
            management_state: "managed".into(),
            last_sync: Some(Utc::now()),
            enrolled: None,
            azure_ad_device_id: format!("aad-{id}"),
        }
    }

    fn names(hits: &[&Device]) -> Vec<String> {
        hits.iter().map(|d| d.device_name.clone()).collect()
    }

    #[test]
    fn exact_serial_then_exact_name_then_partial_matches() {
        let index = DeviceIndex::new(vec![
            device("1", "MAC-C02ABC-X", "ZZZ", "a@contoso.com"),
            device("2", "Finance Mac", "C02ABC", "b@contoso.com"),
            device("3", "c02abc", "YYY", "c@contoso.com"),
            device("4", "Lab C02ABC1", "XXX", "d@contoso.com"),
        ]);
        let hits = index
            .search(&DeviceQuery::text("  c02ABC "), Utc::now())
            .expect("searches");
        assert_eq!(
            names(&hits),
            ["Finance Mac", "c02abc", "Lab C02ABC1", "MAC-C02ABC-X"]
        );
    }

    #[test]
    fn a_column_sort_orders_every_match_either_way_and_ties_keep_name_order() {
        let mut mac_old = device("1", "Zed", "S3", "z@contoso.com");
        mac_old.os_version = "15.9".into();
        mac_old.last_sync = None;
        let mut mac_new = device("2", "alpha", "S1", "a@contoso.com");
        mac_new.os_version = "15.10".into();
        let mut iphone = device("3", "Mid", "S2", "m@contoso.com");
        iphone.platform = Platform::Ios;
        iphone.last_sync = Some(Utc::now() - Duration::days(3));
        let mut twin = device("4", "Beta", "S4", "b@contoso.com");
        twin.os_version = "15.10".into();
        let index = DeviceIndex::new(vec![mac_old, mac_new, iphone, twin]);
        let now = Utc::now();
        let sorted = |column, descending| {
            let query = DeviceQuery {
                sort: Some(DeviceSort { column, descending }),
                ..Default::default()
            };
            names(&index.search(&query, now).expect("searches"))
        };
        assert_eq!(
            sorted(SortColumn::Serial, false),
            ["alpha", "Mid", "Zed", "Beta"]
        );
        assert_eq!(
            sorted(SortColumn::Serial, true),
            ["Beta", "Zed", "Mid", "alpha"]
        );
        // macOS before iOS (the platform's order), 15.9 before 15.10, equals in name order.
        assert_eq!(
            sorted(SortColumn::Platform, false),
            ["Zed", "alpha", "Beta", "Mid"]
        );
        assert_eq!(
            sorted(SortColumn::Platform, true),
            ["Mid", "alpha", "Beta", "Zed"]
        );
        // Never checked in is the oldest.
        assert_eq!(
            sorted(SortColumn::CheckIn, false),
            ["Zed", "Mid", "alpha", "Beta"]
        );
        // The sort applies to a text search's matches, and the page reports them all.
        let query = DeviceQuery {
            text: "contoso".into(),
            sort: Some(DeviceSort {
                column: SortColumn::Name,
                descending: true,
            }),
            ..Default::default()
        };
        let page = index.page(&query, 1, 2, now).expect("pages");
        assert_eq!(page.total, 4);
        let page_names: Vec<_> = page
            .devices
            .iter()
            .map(|d| d.device_name.as_str())
            .collect();
        assert_eq!(page_names, ["Mid", "Beta"]);
        // Back to best match first.
        let best = DeviceQuery::text("s4");
        assert_eq!(
            names(&index.search(&best, now).expect("searches")),
            ["Beta"]
        );
    }

    #[test]
    fn every_device_of_a_user_and_only_theirs() {
        let index = DeviceIndex::new(vec![
            device("1", "Zed's Mac", "S1", "ada@contoso.com"),
            device("2", "Ada's iPhone", "S2", "ADA@contoso.com"),
            device("3", "Adam's iPad", "S3", "adam@contoso.com"),
        ]);
        let names: Vec<String> = index
            .devices_of_user(" ada@contoso.com ")
            .into_iter()
            .map(|d| d.device_name)
            .collect();
        assert_eq!(names, ["Ada's iPhone", "Zed's Mac"]);
        assert!(index.devices_of_user("").is_empty());
    }

    #[test]
    fn every_word_must_match_and_user_text_finds_the_owner() {
        let index = DeviceIndex::new(vec![
            device("1", "Ada's MacBook", "S1", "ada@contoso.com"),
            device("2", "Ben's MacBook", "S2", "ben@contoso.com"),
        ]);
        let now = Utc::now();
        let hits = index
            .search(&DeviceQuery::text("macbook ADA"), now)
            .expect("searches");
        assert_eq!(names(&hits), ["Ada's MacBook"]);
        let hits = index
            .search(&DeviceQuery::text("ben@contoso.com"), now)
            .expect("searches");
        assert_eq!(names(&hits), ["Ben's MacBook"]);
        let hits = index
            .search(&DeviceQuery::text("aad-2"), now)
            .expect("searches");
        assert_eq!(names(&hits), ["Ben's MacBook"], "Entra device id");
    }

    #[test]
    fn empty_text_lists_everything_by_name_and_filters_apply() {
        let mut personal = device("2", "alpha", "S2", "x@y");
        personal.ownership = Ownership::Personal;
        personal.platform = Platform::Ios;
        let mut stale = device("3", "Bravo", "S3", "x@y");
        stale.last_sync = Some(Utc::now() - Duration::days(40));
        let mut never = device("4", "charlie", "S4", "x@y");
        never.last_sync = None;
        let index = DeviceIndex::new(vec![
            device("1", "Delta", "S1", "x@y"),
            personal,
            stale,
            never,
        ]);
        let now = Utc::now();
        let all = index.search(&DeviceQuery::text("   "), now).expect("ok");
        assert_eq!(names(&all), ["alpha", "Bravo", "charlie", "Delta"]);

        let ios = DeviceQuery {
            platforms: vec![Platform::Ios],
            ..Default::default()
        };
        assert_eq!(names(&index.search(&ios, now).expect("ok")), ["alpha"]);
        let company = DeviceQuery {
            ownership: Some(Ownership::Company),
            ..Default::default()
        };
        assert_eq!(index.search(&company, now).expect("ok").len(), 3);
        let recent = DeviceQuery {
            checked_in_within_days: Some(7),
            ..Default::default()
        };
        assert_eq!(
            names(&index.search(&recent, now).expect("ok")),
            ["alpha", "Delta"]
        );
        let stale_q = DeviceQuery {
            not_checked_in_for_days: Some(30),
            ..Default::default()
        };
        assert_eq!(
            names(&index.search(&stale_q, now).expect("ok")),
            ["Bravo", "charlie"],
            "never checked in counts as stale"
        );
        let noncompliant = DeviceQuery {
            compliance: Some("noncompliant".into()),
            ..Default::default()
        };
        assert!(index.search(&noncompliant, now).expect("ok").is_empty());
    }

    #[test]
    fn odd_input_is_searched_or_refused_clearly() {
        let index = DeviceIndex::new(vec![
            device("1", "Zoë's iPad", "S1", "zoe@contoso.com"),
            device("2", "x' or 1 eq 1", "S2", "q@contoso.com"),
        ]);
        let now = Utc::now();
        assert_eq!(
            names(&index.search(&DeviceQuery::text("ZOË"), now).expect("ok")),
            ["Zoë's iPad"]
        );
        assert_eq!(
            names(
                &index
                    .search(&DeviceQuery::text("x' or 1 eq 1"), now)
                    .expect("ok")
            ),
            ["x' or 1 eq 1"],
            "quotes are plain text"
        );
        assert!(
            index
                .search(&DeviceQuery::text("'"), now)
                .expect("ok")
                .len()
                == 2
        );
        let long = "a".repeat(5000);
        let error = index.search(&DeviceQuery::text(&long), now).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("5000 characters"));
        // Exactly at the limit is still searched.
        let at_limit = "é".repeat(MAX_QUERY_CHARS);
        assert!(
            index
                .search(&DeviceQuery::text(&at_limit), now)
                .expect("ok")
                .is_empty()
        );
    }

    #[test]
    fn pages_cover_the_results_without_overlap() {
        let devices = (0..25)
            .map(|i| {
                device(
                    &i.to_string(),
                    &format!("Device {i:02}"),
                    &format!("S{i}"),
                    "u@x",
                )
            })
            .collect();
        let index = DeviceIndex::new(devices);
        let now = Utc::now();
        let query = DeviceQuery::text("device");
        let first = index.page(&query, 0, 10, now).expect("ok");
        let last = index.page(&query, 20, 10, now).expect("ok");
        assert_eq!(first.total, 25);
        assert_eq!(first.devices.len(), 10);
        assert_eq!(last.devices.len(), 5);
        assert_eq!(last.devices[4].device_name, "Device 24");
        assert!(
            index
                .page(&query, 100, 10, now)
                .expect("ok")
                .devices
                .is_empty()
        );
    }

    #[test]
    fn a_walk_split_across_threads_gives_what_one_thread_gives() {
        let fleet: Vec<Device> = (0..5_000)
            .map(|n| {
                let mut d = device(
                    &format!("id-{n:05}"),
                    &format!("{}-{n}", ["Ada Mac", "ADAM", "ben", "c0-Lab"][n % 4]),
                    &format!("C0{n:05}"),
                    &format!("user{}@contoso.com", n % 97),
                );
                if n % 3 == 0 {
                    d.platform = Platform::Ios;
                }
                d
            })
            .collect();
        let index = DeviceIndex::new(fleet);
        let now = Utc::now();
        let all: Vec<u32> = (0..index.len() as u32).collect();
        for query in [
            DeviceQuery::text("a"),
            DeviceQuery::text("c0"),
            DeviceQuery::text("c00017"),
            DeviceQuery::text("ada user1"),
            DeviceQuery {
                platforms: vec![Platform::Ios],
                ..DeviceQuery::text("0")
            },
        ] {
            let text = query.normalised_text().expect("text");
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            let finders: Vec<Finder> = words.iter().map(|w| Finder::new(w.as_bytes())).collect();
            let sweep = Sweep {
                index: &index,
                query: &query,
                now,
                filtered: !query.platforms.is_empty(),
                text: &text,
                finders: &finders,
                one_char: one_char_bit(&text),
            };
            let (one_matched, one_ranked) = sweep.run_in(&all, 1);
            assert!(!one_matched.is_empty(), "{query:?} matches something");
            for threads in [2, 3, 7] {
                let (matched, ranked) = sweep.run_in(&all, threads);
                assert_eq!(matched, one_matched, "{query:?} on {threads} threads");
                assert_eq!(ranked, one_ranked, "{query:?} on {threads} threads");
            }
        }
    }

    #[test]
    fn typing_forward_backspacing_and_changing_filters_give_what_a_fresh_search_gives() {
        let fleet: Vec<Device> = (0..60)
            .map(|n| {
                let mut d = device(
                    &format!("id-{n:02}"),
                    &format!("{}-{n:02}", ["ADA", "ADAM", "BEN", "MAC-ADA"][n % 4]),
                    &format!("C02{n:02}X"),
                    &format!("user{n}@contoso.com"),
                );
                if n % 3 == 0 {
                    d.platform = Platform::Ios;
                }
                d
            })
            .collect();
        let now = Utc::now();
        let typed = DeviceIndex::new(fleet.clone());
        let steps = [
            DeviceQuery::text("a"),
            DeviceQuery::text("ad"),
            DeviceQuery::text("ada"),
            DeviceQuery::text("adam"),
            DeviceQuery::text("ada"),
            DeviceQuery::text("ada m"),
            DeviceQuery {
                platforms: vec![Platform::Ios],
                ..DeviceQuery::text("ada m")
            },
            DeviceQuery {
                platforms: vec![Platform::Ios],
                ..DeviceQuery::text("c02")
            },
            DeviceQuery::text("c02"),
            DeviceQuery::text("c020"),
        ];
        for query in steps {
            let fresh = DeviceIndex::new(fleet.clone());
            let expected = names(&fresh.search(&query, now).expect("search"));
            assert_eq!(
                names(&typed.search(&query, now).expect("search")),
                expected,
                "{query:?}"
            );
            let page = typed.page(&query, 1, 2, now).expect("page");
            assert_eq!(page.total as usize, expected.len());
        }
    }

    #[test]
    fn one_character_from_the_character_sets_ranks_as_the_text_does() {
        let mut fleet = vec![
            device("id-1", "MAC-ADA-001", "C02ADA", "ada@contoso.com"),
            device("id-2", "Ben's iPhone (2)", "F2LX", "ben.c02@contoso.com"),
            device("q", "a", "7", "x"),
            device("id-4", "Café Mac", "É9", "zoë+mac@contoso.com"),
            device("id-5", "", "", ""),
            device("id-6", "z", "Z", "#@contoso.com"),
            device("id-7", "lab_42/mac", "-", "lab~42@contoso.com"),
        ];
        fleet[4].model = "Pixel 8".into();
        fleet[4].user_display_name = "Ümit".into();
        let index = DeviceIndex::new(fleet.clone());
        let now = Utc::now();
        let mut tried_bits = 0;
        for c in "abcdefghijklmnopqrstuvwxyz0123456789-._@'()&,+/:#!$%*;=?[]~ éëü|".chars() {
            let text = c.to_string();
            tried_bits += usize::from(one_char_bit(&text).is_some());
            let mut expected: Vec<Device> = fleet
                .iter()
                .filter(|d| haystack(d).contains(c))
                .cloned()
                .collect();
            rank_devices(&mut expected, &DeviceQuery::text(&text)).expect("ranks");
            let expected: Vec<&str> = expected.iter().map(|d| d.id.as_str()).collect();
            // A fresh index each time: a longer text would otherwise narrow the last one.
            let found = DeviceIndex::new(fleet.clone());
            let found: Vec<String> = found
                .search(&DeviceQuery::text(&text), now)
                .expect("search")
                .iter()
                .map(|d| d.id.clone())
                .collect();
            assert_eq!(found, expected, "{text:?}");
            // Typed after another search, too.
            index.search(&DeviceQuery::text("zz"), now).expect("search");
            let again = index
                .search(&DeviceQuery::text(&text), now)
                .expect("search");
            assert_eq!(again.len(), expected.len(), "{text:?} after another search");
        }
        assert_eq!(tried_bits, 59, "every character with a bit was tried");
    }

    #[test]
    fn ranking_from_the_first_occurrence_agrees_with_the_full_ranking() {
        let devices = [
            device("id-1", "MAC-ADA-001", "C02ADA", "ada@contoso.com"),
            device("id-2", "Ben's iPhone", "F2LX", "ben.c02@contoso.com"),
            device("c02", "c02", "XC02", "c02"),
        ];
        for d in &devices {
            let hay = haystack(d);
            let bounds = field_bounds(&hay);
            for text in [
                "c02",
                "ada",
                "mac-ada-001",
                "c02ada",
                "ada@contoso.com",
                "id-1",
                "aad-id-2",
                "o",
                "x",
                "'",
            ] {
                if let Some(at) = hay.find(text) {
                    assert_eq!(
                        rank_found(&hay, &bounds, text, at),
                        rank(&hay, &bounds, text),
                        "{text} in {hay:?}"
                    );
                }
            }
        }
    }
}
