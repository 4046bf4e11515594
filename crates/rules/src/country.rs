//! Countries: names (English, German, French, Spanish, Portuguese, Italian, Dutch), everyday
//! aliases, and alpha-2/alpha-3 codes to ISO 3166-1 alpha-2.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::countries_data::COUNTRIES;
use crate::text;

/// Folded name → alpha-2. Built once: it is immutable data, like a `const`, only too large
/// to write out folded by hand. Names that fold to the same key for two countries are left
/// out, so an ambiguous name is reported rather than guessed.
fn names() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: HashMap<String, &'static str> = HashMap::with_capacity(COUNTRIES.len() * 12);
        let mut clashes: Vec<String> = Vec::new();
        for (a2, _, name, others) in COUNTRIES {
            for n in std::iter::once(name).chain(others.iter()) {
                let key = text::fold_compact(n);
                if key.is_empty() {
                    continue;
                }
                match map.get(&key) {
                    Some(existing) if existing != a2 => clashes.push(key),
                    _ => {
                        map.insert(key, a2);
                    }
                }
            }
        }
        for k in clashes {
            map.remove(&k);
        }
        map
    })
}

/// The alpha-2 code for a country name or code, if known. Codes count only when written
/// as plain ASCII letters ("de", "DEU"): "N/A" or "ñä" must not become Namibia.
pub fn to_iso2(raw: &str) -> Option<&'static str> {
    let t = text::trim(raw);
    if (2..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        let up = t.to_ascii_uppercase();
        if let Some((a2, ..)) = COUNTRIES.iter().find(|(a2, a3, ..)| *a2 == up || *a3 == up) {
            return Some(a2);
        }
    }
    let key = text::fold_compact(t);
    if key.is_empty() {
        return None;
    }
    names().get(&key).copied()
}

/// True when `raw` is written as an alpha-2 code we know ("NA" is Namibia, not "n/a").
pub fn is_iso2_code(raw: &str) -> bool {
    raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_alphabetic()) && to_iso2(raw).is_some()
}

/// The English short name of an alpha-2 code.
pub fn name_of(iso2: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(a2, ..)| *a2 == iso2)
        .map(|(_, _, n, _)| *n)
}

/// Folded names with their code, for spelling suggestions (built once, like `table`).
fn folded_names() -> &'static [(String, usize, &'static str)] {
    static NAMES: OnceLock<Vec<(String, usize, &'static str)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v = Vec::new();
        for (a2, _, name, others) in COUNTRIES {
            for n in std::iter::once(name).chain(others.iter()) {
                let f = text::fold_compact(n);
                let len = f.chars().count();
                v.push((f, len, *a2));
            }
        }
        v
    })
}

/// Closest known name by spelling, for a suggested fix on an unknown country.
pub fn closest(raw: &str) -> Option<&'static str> {
    let key = text::fold_compact(raw);
    let len = key.chars().count();
    if !(4..=60).contains(&len) {
        return None;
    }
    // Only names of similar length can reach the threshold; skipping the rest keeps a
    // misspelt country from costing thousands of edit distances.
    let slack = len / 4 + 1;
    let mut best: Option<(&'static str, f32)> = None;
    for (name, n_len, a2) in folded_names() {
        if n_len.abs_diff(len) > slack {
            continue;
        }
        let s = text::similarity(&key, name);
        if s >= 0.75 && best.is_none_or(|(_, b)| s > b) {
            best = Some((a2, s));
        }
    }
    best.map(|(a2, _)| a2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_in_seven_languages_map_to_alpha2() {
        for (s, want) in [
            ("DE", "DE"),
            ("deu", "DE"),
            ("Germany", "DE"),
            ("Deutschland", "DE"),
            ("Allemagne", "DE"),
            ("Alemania", "DE"),
            ("Alemanha", "DE"),
            ("Germania", "DE"),
            ("Duitsland", "DE"),
            ("España", "ES"),
            ("espana", "ES"),
            ("Schweiz", "CH"),
            ("Österreich", "AT"),
            ("USA", "US"),
            ("United States", "US"),
            ("UK", "GB"),
            ("Holland", "NL"),
            ("Côte d'Ivoire", "CI"),
            ("  united   kingdom ", "GB"),
            ("Brasil", "BR"),
            ("Brazil", "BR"),
        ] {
            assert_eq!(to_iso2(s), Some(want), "{s}");
        }
    }

    #[test]
    fn unknown_countries_are_not_guessed() {
        assert_eq!(to_iso2("Atlantis"), None);
        assert_eq!(to_iso2(""), None);
        assert_eq!(to_iso2("XX"), None);
        assert_eq!(to_iso2("N/A"), None);
        assert_eq!(to_iso2("ñä"), None);
    }

    #[test]
    fn a_misspelt_country_gets_a_suggestion() {
        assert_eq!(closest("Germny"), Some("DE"));
        assert_eq!(closest("Frankriech"), Some("FR"));
        assert_eq!(closest("zz"), None);
    }

    #[test]
    fn every_code_has_an_english_name() {
        assert_eq!(name_of("FR"), Some("France"));
        assert_eq!(COUNTRIES.len(), 249);
    }
}
