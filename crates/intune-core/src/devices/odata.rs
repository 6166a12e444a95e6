//! Building `$filter` text from what the admin typed. User text only ever enters as a string
//! literal with `'` doubled, so it cannot change what the filter means.

/// `O'Brien` becomes `'O''Brien'`.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub fn eq(property: &str, value: &str) -> String {
    format!("{property} eq {}", literal(value))
}

pub fn contains(property: &str, value: &str) -> String {
    format!("contains({property},{})", literal(value))
}

/// Clauses joined with `and`, the only combinator Intune honours across properties.
pub fn all(clauses: &[String]) -> String {
    clauses.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_inside_the_literal() {
        assert_eq!(literal("O'Brien"), "'O''Brien'");
        assert_eq!(
            eq("deviceName", "x' or 1 eq 1"),
            "deviceName eq 'x'' or 1 eq 1'"
        );
        assert_eq!(contains("deviceName", "''"), "contains(deviceName,'''''')");
        assert_eq!(all(&[eq("a", "1"), eq("b", "2")]), "a eq '1' and b eq '2'");
    }
}
