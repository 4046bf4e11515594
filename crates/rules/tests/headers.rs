//! Header matching and fingerprints.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use rules::config::ImportConfig;
use rules::headers::{header_fingerprint, suggest_mapping, MatchReason};

fn h(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn fields(headers: &[&str]) -> Vec<Option<String>> {
    suggest_mapping(&h(headers), &ImportConfig::default_leads())
        .into_iter()
        .map(|s| s.field)
        .collect()
}

#[test]
fn exact_keys_and_labels_match_with_full_confidence() {
    let s = suggest_mapping(&h(&["email", "Job title"]), &ImportConfig::default_leads());
    assert_eq!(s[0].field.as_deref(), Some("email"));
    assert_eq!(s[0].reason, MatchReason::Exact);
    assert_eq!(s[0].confidence, 1.0);
    assert_eq!(s[1].field.as_deref(), Some("title"));
    assert_eq!(s[1].reason, MatchReason::Label);
}

#[test]
fn localized_synonyms_in_seven_languages_match_and_name_their_language() {
    let cases = [
        ("E-Mail-Adresse", "email", "de"),
        ("Courriel", "email", "fr"),
        ("Correo electrónico", "email", "es"),
        ("Telefone", "phone", "pt"),
        ("Cognome", "last_name", "it"),
        ("Achternaam", "last_name", "nl"),
        ("Firma", "company", "de"),
        ("Société", "company", "fr"),
        ("Empresa", "company", "es"),
        ("Vorname", "first_name", "de"),
        ("Prénom", "first_name", "fr"),
        ("Apellidos", "last_name", "es"),
        ("Telefonnummer", "phone", "de"),
        ("Land", "country", "de"),
        ("Pays", "country", "fr"),
        ("Bemerkungen", "notes", "de"),
        ("Quelle", "source", "de"),
        ("Statut", "status", "fr"),
        ("Cargo", "title", "es"),
        ("Azienda", "company", "it"),
        ("Bedrijf", "company", "nl"),
    ];
    for (header, field, lang) in cases {
        let s = suggest_mapping(&h(&[header]), &ImportConfig::default_leads());
        assert_eq!(s[0].field.as_deref(), Some(field), "{header}");
        assert_eq!(
            s[0].reason,
            MatchReason::Synonym { lang: lang.into() },
            "{header}"
        );
    }
}

#[test]
fn case_accents_punctuation_and_spacing_do_not_matter() {
    assert_eq!(
        fields(&["  E_MAIL  ", "TELEFON-NUMMER", "societe"]),
        vec![
            Some("email".into()),
            Some("phone".into()),
            Some("company".into())
        ]
    );
}

#[test]
fn misspelt_headers_match_fuzzily_with_lower_confidence() {
    let s = suggest_mapping(
        &h(&["Emial", "Compnay", "Work-Phone #"]),
        &ImportConfig::default_leads(),
    );
    assert_eq!(s[0].field.as_deref(), Some("email"));
    assert!(matches!(s[0].reason, MatchReason::Fuzzy { .. }));
    assert!(s[0].confidence < 0.95);
    assert_eq!(s[1].field.as_deref(), Some("company"));
    assert_eq!(s[2].field.as_deref(), Some("phone"));
    // An exact synonym beats a misspelling for the same field.
    let s = suggest_mapping(
        &h(&["Emial", "Business E-Mail"]),
        &ImportConfig::default_leads(),
    );
    assert_eq!(s[1].field.as_deref(), Some("email"));
    assert!(matches!(
        s[0].reason,
        MatchReason::Conflict { taken_by: 1, .. }
    ));
}

#[test]
fn two_headers_never_get_the_same_field_and_the_loser_says_who_won() {
    let s = suggest_mapping(&h(&["Mobile", "Phone"]), &ImportConfig::default_leads());
    assert_eq!(s[1].field.as_deref(), Some("phone"));
    assert_eq!(s[0].field, None);
    match &s[0].reason {
        MatchReason::Conflict {
            field,
            taken_by,
            taken_by_header,
        } => {
            assert_eq!(field, "phone");
            assert_eq!(*taken_by, 1);
            assert_eq!(taken_by_header, "Phone");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn unrelated_and_empty_headers_get_no_field() {
    let s = suggest_mapping(
        &h(&["Lieblingsfarbe", "", "###"]),
        &ImportConfig::default_leads(),
    );
    assert!(s
        .iter()
        .all(|x| x.field.is_none() && x.reason == MatchReason::None && x.confidence == 0.0));
}

#[test]
fn configured_synonyms_of_custom_fields_match() {
    let mut c = ImportConfig::default_leads();
    let mut f =
        rules::config::FieldSpec::new("industry", "Industry", rules::config::FieldType::Text);
    f.synonyms = vec!["Branche".into()];
    c.fields.push(f);
    let s = suggest_mapping(&h(&["Branche"]), &c);
    assert_eq!(s[0].field.as_deref(), Some("industry"));
    assert_eq!(
        s[0].reason,
        MatchReason::Synonym {
            lang: "config".into()
        }
    );
}

#[test]
fn the_fingerprint_ignores_case_and_spacing_but_not_order() {
    let a = header_fingerprint(&h(&["E-Mail", "Vorname"]));
    assert_eq!(a, header_fingerprint(&h(&[" e mail ", "VORNAME"])));
    assert_ne!(a, header_fingerprint(&h(&["Vorname", "E-Mail"])));
    assert_ne!(a, header_fingerprint(&h(&["E-Mail", "Vorname", ""])));
    assert_eq!(a, "h1:2:".to_owned() + &a[5..]);
}
