//! `$filter` and `$select` as Intune's managedDevices endpoint really behaves, quirks included:
//! - `startswith` behaves like `contains`;
//! - `or` between different properties drops its second clause;
//! - a clause on a property Intune cannot filter by is silently ignored (it matches every device);
//! - a property that does not exist, or text that does not parse, is a 400;
//! - string literals escape `'` as `''`; string comparisons ignore case.

use crate::version::ApiVersion;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Bool(bool),
    Null,
    Time(DateTime<Utc>),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
    StartsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Clause {
        property: String,
        op: Op,
        value: Literal,
    },
}

impl Expr {
    /// The properties the filter names.
    pub fn properties(&self) -> Vec<&str> {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => {
                let mut names = a.properties();
                names.extend(b.properties());
                names
            }
            Expr::Clause { property, .. } => vec![property.as_str()],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ODataError(pub String);

/// The managedDevice properties the sim knows; anything else in a query is an error.
pub const PROPERTIES: &[&str] = &[
    "id",
    "deviceName",
    "managedDeviceName",
    "operatingSystem",
    "osVersion",
    "model",
    "manufacturer",
    "serialNumber",
    "userPrincipalName",
    "userDisplayName",
    "emailAddress",
    "managedDeviceOwnerType",
    "ownerType",
    "deviceEnrollmentType",
    "isSupervised",
    "isEncrypted",
    "complianceState",
    "managementState",
    "lastSyncDateTime",
    "enrolledDateTime",
    "azureADDeviceId",
    "deviceActionResults",
];

/// Which property/operator pairs Intune honours. Every other clause is ignored.
fn supported(property: &str, op: Op) -> bool {
    use Op::*;
    matches!(
        (property, op),
        ("deviceName", Eq | Contains | StartsWith)
            | ("serialNumber", Eq)
            | ("userPrincipalName", Eq | Ne)
            | ("operatingSystem", Eq)
            | ("model", Eq | Contains | StartsWith)
            | ("emailAddress", Contains | StartsWith)
            | ("complianceState", Eq)
            | ("managementState", Eq)
            | ("azureADDeviceId", Eq)
            | ("lastSyncDateTime", Lt | Gt)
    )
}

pub fn parse_filter(text: &str) -> Result<Expr, ODataError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, pos: 0 };
    let expr = parser.or_expr()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(syntax(format!("unexpected '{}'", token.text()))),
    }
}

impl Expr {
    pub fn matches(&self, device: &Map<String, Value>) -> bool {
        match self {
            Expr::And(a, b) => a.matches(device) && b.matches(device),
            Expr::Or(a, b) => {
                if a.property() == b.property() && a.property().is_some() {
                    a.matches(device) || b.matches(device)
                } else {
                    a.matches(device)
                }
            }
            Expr::Clause {
                property,
                op,
                value,
            } => !supported(property, *op) || compare(device.get(property), *op, value),
        }
    }

    /// The single property a clause tests; `None` for composite expressions.
    fn property(&self) -> Option<&str> {
        match self {
            Expr::Clause { property, .. } => Some(property),
            _ => None,
        }
    }
}

fn compare(actual: Option<&Value>, op: Op, expected: &Literal) -> bool {
    match (actual, expected) {
        (Some(Value::String(actual)), Literal::Str(expected)) => {
            let actual = actual.to_lowercase();
            let expected = expected.to_lowercase();
            match op {
                Op::Eq => actual == expected,
                Op::Ne => actual != expected,
                Op::Contains | Op::StartsWith => actual.contains(&expected),
                Op::Lt => actual < expected,
                Op::Gt => actual > expected,
                Op::Le => actual <= expected,
                Op::Ge => actual >= expected,
            }
        }
        (Some(Value::String(actual)), Literal::Time(expected)) => {
            let Ok(actual) = DateTime::parse_from_rfc3339(actual) else {
                return false;
            };
            let actual = actual.with_timezone(&Utc);
            match op {
                Op::Lt => actual < *expected,
                Op::Gt => actual > *expected,
                Op::Le => actual <= *expected,
                Op::Ge => actual >= *expected,
                Op::Eq => actual == *expected,
                Op::Ne => actual != *expected,
                Op::Contains | Op::StartsWith => false,
            }
        }
        (Some(Value::Bool(actual)), Literal::Bool(expected)) => match op {
            Op::Eq => actual == expected,
            Op::Ne => actual != expected,
            _ => false,
        },
        (None | Some(Value::Null), Literal::Null) => op == Op::Eq,
        (Some(_), Literal::Null) => op == Op::Ne,
        _ => false,
    }
}

/// `$select`: the listed properties, each one known to that version of `managedDevice`.
pub fn parse_select(text: &str, version: ApiVersion) -> Result<Vec<String>, ODataError> {
    text.split(',')
        .map(str::trim)
        .map(|name| {
            if PROPERTIES.contains(&name) && version.has_property(name) {
                Ok(name.to_string())
            } else {
                Err(unknown_property(name))
            }
        })
        .collect()
}

pub fn select(mut device: Map<String, Value>, properties: Option<&[String]>) -> Map<String, Value> {
    if let Some(properties) = properties {
        device.retain(|key, _| properties.iter().any(|p| p == key));
    }
    device
}

fn unknown_property(name: &str) -> ODataError {
    ODataError(format!(
        "Could not find a property named '{name}' on type 'microsoft.graph.managedDevice'."
    ))
}

fn syntax(detail: String) -> ODataError {
    ODataError(format!("Invalid filter clause: {detail}."))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Open,
    Close,
    Comma,
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Ident(s) => s.clone(),
            Token::Str(s) => format!("'{s}'"),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
            Token::Comma => ",".into(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, ODataError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(syntax("a string literal is not closed".into())),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            value.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            value.push(c);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(value));
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric()
                        || matches!(chars[i], '_' | '-' | '.' | ':' | '+'))
                {
                    i += 1;
                }
                tokens.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(syntax(format!("unexpected character '{other}'"))),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: Token) -> Result<(), ODataError> {
        match self.next() {
            Some(t) if t == token => Ok(()),
            Some(t) => Err(syntax(format!(
                "expected '{}' but found '{}'",
                token.text(),
                t.text()
            ))),
            None => Err(syntax(format!("expected '{}' at the end", token.text()))),
        }
    }

    fn or_expr(&mut self) -> Result<Expr, ODataError> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, ODataError> {
        let mut left = self.primary()?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, ODataError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or_expr()?;
                self.expect(Token::Close)?;
                Ok(inner)
            }
            Some(Token::Ident(name)) if matches!(self.peek(), Some(Token::Open)) => {
                let op = match name.to_ascii_lowercase().as_str() {
                    "contains" => Op::Contains,
                    "startswith" => Op::StartsWith,
                    other => {
                        return Err(syntax(format!("the function '{other}' is not supported")));
                    }
                };
                self.expect(Token::Open)?;
                let property = self.property()?;
                self.expect(Token::Comma)?;
                let value = match self.next() {
                    Some(Token::Str(s)) => Literal::Str(s),
                    _ => return Err(syntax(format!("{name} needs a string literal"))),
                };
                self.expect(Token::Close)?;
                Ok(Expr::Clause {
                    property,
                    op,
                    value,
                })
            }
            Some(Token::Ident(name)) => {
                check_property(&name)?;
                let op = match self.next() {
                    Some(Token::Ident(op)) => match op.to_ascii_lowercase().as_str() {
                        "eq" => Op::Eq,
                        "ne" => Op::Ne,
                        "lt" => Op::Lt,
                        "gt" => Op::Gt,
                        "le" => Op::Le,
                        "ge" => Op::Ge,
                        other => return Err(syntax(format!("unknown operator '{other}'"))),
                    },
                    _ => return Err(syntax(format!("expected an operator after '{name}'"))),
                };
                let value = self.literal()?;
                Ok(Expr::Clause {
                    property: name,
                    op,
                    value,
                })
            }
            Some(token) => Err(syntax(format!("unexpected '{}'", token.text()))),
            None => Err(syntax("the filter is empty or ends too early".into())),
        }
    }

    fn property(&mut self) -> Result<String, ODataError> {
        match self.next() {
            Some(Token::Ident(name)) => {
                check_property(&name)?;
                Ok(name)
            }
            _ => Err(syntax("expected a property name".into())),
        }
    }

    fn literal(&mut self) -> Result<Literal, ODataError> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Literal::Str(s)),
            Some(Token::Ident(word)) => match word.as_str() {
                "true" => Ok(Literal::Bool(true)),
                "false" => Ok(Literal::Bool(false)),
                "null" => Ok(Literal::Null),
                _ => {
                    if let Ok(time) = DateTime::parse_from_rfc3339(&word) {
                        Ok(Literal::Time(time.with_timezone(&Utc)))
                    } else if let Ok(number) = word.parse::<f64>() {
                        Ok(Literal::Number(number))
                    } else {
                        Err(syntax(format!(
                            "'{word}' is not a value; quote strings like 'this'"
                        )))
                    }
                }
            },
            _ => Err(syntax("expected a value".into())),
        }
    }
}

fn check_property(name: &str) -> Result<(), ODataError> {
    if PROPERTIES.contains(&name) {
        Ok(())
    } else {
        Err(unknown_property(name))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn device(name: &str, os: &str, serial: &str, supervised: bool) -> Map<String, Value> {
        match json!({
            "deviceName": name, "operatingSystem": os, "serialNumber": serial,
            "isSupervised": supervised, "userPrincipalName": "ada@contoso.com",
            "lastSyncDateTime": "2026-08-01T10:00:00Z", "model": "iPhone 15",
        }) {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn matches(filter: &str, device: &Map<String, Value>) -> bool {
        parse_filter(filter).expect(filter).matches(device)
    }

    #[test]
    fn eq_is_case_insensitive_and_contains_finds_substrings() {
        let d = device("MAC-ROSSI-042", "macOS", "C02XYZ", true);
        assert!(matches("deviceName eq 'mac-rossi-042'", &d));
        assert!(matches("contains(deviceName,'ROSSI')", &d));
        assert!(!matches("serialNumber eq 'C02'", &d));
        assert!(matches(
            "serialNumber eq 'c02xyz' and operatingSystem eq 'macOS'",
            &d
        ));
    }

    #[test]
    fn startswith_behaves_like_contains() {
        let d = device("MAC-ROSSI-042", "macOS", "C02XYZ", true);
        assert!(matches("startswith(deviceName,'ROSSI')", &d));
    }

    #[test]
    fn quotes_are_escaped_by_doubling_and_cannot_break_out() {
        let d = device("Chloé's iPhone", "iOS", "F17", true);
        assert!(matches("deviceName eq 'Chloé''s iPhone'", &d));
        // An escaped injection attempt is one literal that matches nothing.
        let other = device("x", "iOS", "F17", true);
        assert!(!matches("deviceName eq 'x'' or 1 eq 1'", &other));
        // Unescaped, the same text does not parse at all.
        assert!(parse_filter("deviceName eq 'x' or 1 eq 1'").is_err());
    }

    #[test]
    fn or_across_properties_drops_the_second_clause_but_works_on_one_property() {
        let ios = device("A", "iOS", "S1", true);
        let ipad = device("B", "iPadOS", "S2", true);
        assert!(matches(
            "operatingSystem eq 'iOS' or operatingSystem eq 'iPadOS'",
            &ipad
        ));
        // The second clause would match, but Intune drops it.
        assert!(!matches(
            "operatingSystem eq 'Android' or deviceName eq 'A'",
            &ios
        ));
    }

    #[test]
    fn unsupported_properties_are_ignored_and_match_everything() {
        let unsupervised = device("A", "iOS", "S1", false);
        assert!(matches("isSupervised eq true", &unsupervised));
        assert!(matches(
            "isSupervised eq true and deviceName eq 'A'",
            &unsupervised
        ));
        assert!(!matches(
            "isSupervised eq true and deviceName eq 'B'",
            &unsupervised
        ));
    }

    #[test]
    fn dates_compare_with_lt_and_gt() {
        let d = device("A", "iOS", "S1", true);
        assert!(matches("lastSyncDateTime lt 2026-09-01T00:00:00Z", &d));
        assert!(!matches("lastSyncDateTime gt 2026-09-01T00:00:00Z", &d));
    }

    #[test]
    fn malformed_filters_and_unknown_properties_are_errors_with_a_reason() {
        for bad in [
            "deviceName eq",
            "deviceName eq 'open",
            "(deviceName eq 'a'",
            "deviceName like 'a'",
            "deviceName eq a",
            "endswith(deviceName,'a')",
            "",
            "deviceName eq 'a' ;",
        ] {
            let err = parse_filter(bad).expect_err(bad);
            assert!(err.0.starts_with("Invalid filter clause"), "{bad}: {err}");
        }
        let err = parse_filter("color eq 'red'").expect_err("unknown");
        assert!(err.0.contains("Could not find a property named 'color'"));
    }

    #[test]
    fn select_keeps_only_known_listed_properties() {
        let d = device("A", "iOS", "S1", true);
        let props = parse_select("deviceName, serialNumber", ApiVersion::Beta).expect("valid");
        let selected = select(d, Some(&props));
        assert_eq!(selected.len(), 2);
        assert!(parse_select("deviceName,colour", ApiVersion::Beta).is_err());
    }
}
