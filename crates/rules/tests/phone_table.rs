//! The chosen phone library against a shared table of real numbers (the same table the
//! library comparison in tools/phone-compare reads).

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

#[derive(serde::Deserialize)]
struct Case {
    raw: String,
    region: Option<String>,
    e164: Option<String>,
}

#[test]
fn every_number_in_the_shared_table_parses_to_its_expected_e164() {
    let json = include_str!("phone_numbers.json");
    let cases: Vec<Case> = serde_json::from_str(json).expect("table parses");
    let mut wrong = Vec::new();
    for c in &cases {
        let got = rules::phone::parse(&c.raw, c.region.as_deref().and_then(rules::phone::region))
            .ok()
            .map(|p| p.e164);
        if got != c.e164 {
            wrong.push(format!(
                "{} ({:?}): got {got:?}, want {:?}",
                c.raw, c.region, c.e164
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
