//! User text never changes what a filter means: every hostile string, escaped, parses in the
//! simulated tenant's `$filter` parser as one clause whose literal is exactly that text.

use intune_core::devices::odata;
use tenant_sim::odata::{Expr, Literal, Op, parse_filter};

const HOSTILE: &[&str] = &[
    "x' or 1 eq 1",
    "x') or (deviceName ne '",
    "'",
    "''",
    "' and serialNumber eq 'ABC",
    "O'Brien's iPhone",
    "Zoë's Mac — ünïcødé",
    "contains(deviceName,'a')",
    "a\u{0}b",
];

#[test]
fn an_escaped_literal_is_one_clause_holding_the_text_verbatim() {
    for text in HOSTILE {
        for (filter, op) in [
            (odata::eq("deviceName", text), Op::Eq),
            (odata::contains("deviceName", text), Op::Contains),
        ] {
            let parsed = parse_filter(&filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
            assert_eq!(
                parsed,
                Expr::Clause {
                    property: "deviceName".into(),
                    op,
                    value: Literal::Str((*text).into()),
                },
                "{filter}"
            );
        }
    }
}

#[test]
fn an_and_of_escaped_clauses_keeps_its_shape() {
    let filter = odata::all(&[
        odata::contains("deviceName", "x' or 1 eq 1"),
        odata::eq("operatingSystem", "macOS"),
    ]);
    match parse_filter(&filter).expect("parses") {
        Expr::And(left, right) => {
            assert!(matches!(*left, Expr::Clause { ref property, .. } if property == "deviceName"));
            assert!(
                matches!(*right, Expr::Clause { ref property, .. } if property == "operatingSystem")
            );
        }
        other => panic!("not an and: {other:?}"),
    }
}
