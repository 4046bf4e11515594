//! Property tests: nothing panics on any input, normalisation is idempotent, and
//! validation is deterministic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use proptest::prelude::*;
use rules::dates::DateOrder;
use rules::engine::Validator;

fn validator() -> Validator {
    Validator::new(&rules::conformance::test_config(Some("DE"))).expect("valid test config")
}

/// Strings that look like spreadsheet cells: mostly printable, with the characters that
/// trip parsers (separators, @, +, quotes, accents, odd whitespace) over-represented.
fn messy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \\t\\u{00A0}\\u{200B}]{0,2}[A-Za-z0-9@+.,;:/()'\"_ ÄÖÜäöüéèçñß-]{0,24}[ \\t]{0,2}",
        "\\+?[0-9 ()/.-]{0,18}",
        "[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}",
        "[a-z.+]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_input_string_makes_a_parser_panic(s in messy()) {
        let _ = rules::email::normalize(&s);
        let _ = rules::email::typo_fix(&s);
        let _ = rules::email::dedupe_key(&s, true, true);
        let _ = rules::phone::parse(&s, rules::phone::region("DE"));
        let _ = rules::phone::parse(&s, None);
        let _ = rules::dates::parse(&s, DateOrder::Auto);
        let _ = rules::dates::evidence(&s);
        let _ = rules::url::normalize(&s);
        let _ = rules::number::parse(&s);
        let _ = rules::country::to_iso2(&s);
        let _ = rules::country::closest(&s);
        let _ = rules::text::title_case(&s);
        let _ = rules::text::collapse_whitespace(&s);
        let _ = rules::headers::header_fingerprint(std::slice::from_ref(&s));
        let _ = rules::headers::suggest_mapping(&[s.clone(), s], &rules::ImportConfig::default_leads());
    }

    #[test]
    fn no_row_makes_the_validator_panic_and_validating_twice_gives_the_same_result(
        cells in proptest::collection::vec(proptest::option::of(messy()), 0..16)
    ) {
        let v = validator();
        let row: Vec<Option<&str>> = cells.iter().map(|c| c.as_deref()).collect();
        let a = v.validate_row(2, &row);
        let b = v.validate_row(2, &row);
        prop_assert_eq!(&a.issues, &b.issues);
        prop_assert_eq!(&a.normalized, &b.normalized);
        let batch = v.validate_batch(&[(2, row.clone()), (3, row.clone())]);
        prop_assert_eq!(batch.rows.len(), 2);
    }

    #[test]
    fn normalising_a_normalised_row_changes_nothing(
        cells in proptest::collection::vec(proptest::option::of(messy()), 0..16)
    ) {
        let v = validator();
        let row: Vec<Option<&str>> = cells.iter().map(|c| c.as_deref()).collect();
        let first = v.validate_row(2, &row).normalized_owned();
        let again_in: Vec<Option<&str>> = first.iter().map(|c| c.as_deref()).collect();
        let second = v.validate_row(2, &again_in).normalized_owned();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn the_formula_fix_makes_any_value_safe_and_keeps_every_character(
        s in prop_oneof![messy(), "[=+@\t-][A-Za-z(|!\"' ]{0,12}".prop_map(String::from)],
        field in prop::sample::select(vec!["company", "notes", "phone", "email", "employees", "met_on"]),
    ) {
        let v = validator();
        let mut row: Vec<Option<&str>> = vec![None; v.fields().len()];
        row[v.field_index(field).unwrap()] = Some(s.as_str());
        let out = v.validate_row(2, &row);
        for issue in out.issues.iter().filter(|i| i.code == rules::Code::CellFormulaLike) {
            let fixed = issue.fix.as_ref().and_then(|f| f.value.clone()).expect("a fix");
            prop_assert!(fixed.ends_with(issue.normalized.as_deref().unwrap_or(rules::text::trim(&s))));
            let mut again: Vec<Option<&str>> = vec![None; v.fields().len()];
            again[v.field_index(field).unwrap()] = Some(fixed.as_str());
            let after = v.validate_row(2, &again);
            prop_assert!(
                !after.issues.iter().any(|i| i.code == rules::Code::CellFormulaLike),
                "{fixed:?} is still formula-like: {:?}", after.issues
            );
        }
    }

    #[test]
    fn transformers_are_idempotent_on_their_own(s in messy()) {
        if let Ok(e) = rules::email::normalize(&s) {
            prop_assert_eq!(rules::email::normalize(&e).map(|x| x.into_owned()), Ok(e.clone().into_owned()));
        }
        if let Ok(u) = rules::url::normalize(&s) {
            prop_assert_eq!(rules::url::normalize(&u).map(|x| x.into_owned()), Ok(u.clone().into_owned()));
        }
        if let Some((n, _)) = rules::number::parse(&s) {
            prop_assert_eq!(rules::number::parse(&n).map(|x| x.0), Some(n.clone()));
        }
        let t = rules::text::title_case(&s).into_owned();
        prop_assert_eq!(rules::text::title_case(&t).into_owned(), t.clone());
        let c = rules::text::collapse_whitespace(&s).into_owned();
        prop_assert_eq!(rules::text::collapse_whitespace(&c).into_owned(), c.clone());
        if let Some(code) = rules::country::to_iso2(&s) {
            prop_assert_eq!(rules::country::to_iso2(code), Some(code));
        }
        if let Ok(p) = rules::phone::parse(&s, rules::phone::region("DE")) {
            prop_assert_eq!(rules::phone::parse(&p.e164, None).map(|x| x.e164), Ok(p.e164.clone()));
        }
        if let rules::dates::Parsed::Date(d) = rules::dates::parse(&s, DateOrder::DayFirst) {
            prop_assert_eq!(rules::dates::parse(&d.iso(), DateOrder::Auto), rules::dates::Parsed::Date(d));
        }
    }
}
