//! E-mail addresses: cleaning what people paste ("Jane <JANE@X.COM>", "mailto:"), checking
//! the syntax without a regex, spotting domain typos, and the dedupe key.

use std::borrow::Cow;

use crate::text;

/// Why an address was refused, with a replacement when one is obvious.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailError {
    pub reason: &'static str,
    pub fix: Option<String>,
}

fn err(reason: &'static str, fix: Option<String>) -> EmailError {
    EmailError { reason, fix }
}

/// Lower-cases and unwraps an address, then checks it. Borrows when already clean.
///
/// The whole address is lower-cased, the local part too: RFC 5321 lets a server treat
/// the local part case-sensitively, but no mail provider in use does, and leads are
/// deduplicated on it.
pub fn normalize(raw: &str) -> Result<Cow<'_, str>, EmailError> {
    let mut s = text::trim(raw);
    if let Some(rest) = s
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| s.get(7..))
    {
        s = text::trim(rest);
    }
    // "Jane Doe <jane@x.com>": keep what is inside the angle brackets.
    if let (Some(open), Some(close)) = (s.rfind('<'), s.rfind('>')) {
        if open < close {
            s = text::trim(&s[open + 1..close]);
        }
    }
    s = s.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';' | '.' | '(' | ')'));
    if s.is_empty() {
        return Err(err("the value is empty", None));
    }
    let is_sep = |c: char| c == ';' || c == ',' || c.is_whitespace();
    if s.contains(is_sep) {
        let mut with_at = s.split(is_sep).filter(|p| p.contains('@'));
        if let (Some(first), Some(_)) = (with_at.next(), with_at.next()) {
            return Err(err(
                "the cell holds more than one address",
                Some(first.to_lowercase()),
            ));
        }
    }
    let lowered = text::lowercase(s);
    check(&lowered)?;
    Ok(match lowered {
        Cow::Borrowed(b) if b.len() == raw.len() => Cow::Borrowed(raw),
        Cow::Borrowed(b) => Cow::Owned(b.to_owned()),
        Cow::Owned(o) => Cow::Owned(o),
    })
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
}

/// Checks an already normalised address.
pub fn check(s: &str) -> Result<(), EmailError> {
    if s.len() > 254 {
        return Err(err("the address is longer than 254 characters", None));
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(err("there is no @", None));
    };
    if domain.contains('@') {
        return Err(err("there is more than one @", None));
    }
    if local.is_empty() {
        return Err(err("nothing comes before the @", None));
    }
    if local.len() > 64 {
        return Err(err(
            "the part before the @ is longer than 64 characters",
            None,
        ));
    }
    if !local.chars().all(is_local_char) {
        return Err(err(
            "the part before the @ has a character addresses cannot contain",
            None,
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(err("the part before the @ has a misplaced dot", None));
    }
    if domain.contains(',') && !domain.contains('.') {
        let fixed = format!("{local}@{}", domain.replace(',', "."));
        if check(&fixed).is_ok() {
            return Err(err("the domain has a comma instead of a dot", Some(fixed)));
        }
    }
    check_domain(domain)
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() {
        return Err(err("nothing comes after the @", None));
    }
    if domain.len() > 253 {
        return Err(err("the domain is too long", None));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(err("the domain has no dot, e.g. example.com", None));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(err("the domain has an empty or overlong part", None));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(err("a domain part starts or ends with a hyphen", None));
        }
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err(err(
                "the domain has a character domains cannot contain",
                None,
            ));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if !(tld.starts_with("xn--")
        || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)))
    {
        return Err(err("the domain ending is not a top-level domain", None));
    }
    Ok(())
}

/// Common misspellings of big mail domains and endings. Why a table: these are the
/// typos that show up in partner lists, and a wrong guess is only ever a suggestion.
const DOMAIN_TYPOS: &[(&str, &str)] = &[
    ("gmial.com", "gmail.com"),
    ("gmai.com", "gmail.com"),
    ("gamil.com", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.con", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("gmal.com", "gmail.com"),
    ("gnail.com", "gmail.com"),
    ("hotmial.com", "hotmail.com"),
    ("hotmal.com", "hotmail.com"),
    ("hotmail.con", "hotmail.com"),
    ("hotmail.co", "hotmail.com"),
    ("yahoo.con", "yahoo.com"),
    ("yaho.com", "yahoo.com"),
    ("outlok.com", "outlook.com"),
    ("outlook.con", "outlook.com"),
    ("iclod.com", "icloud.com"),
    ("icloud.con", "icloud.com"),
    ("gmx.dee", "gmx.de"),
    ("web.dee", "web.de"),
];

const TLD_TYPOS: &[(&str, &str)] = &[
    (".con", ".com"),
    (".cmo", ".com"),
    (".ocm", ".com"),
    (".comm", ".com"),
];

/// A likely correction of the domain of a valid, normalised address.
pub fn typo_fix(email: &str) -> Option<String> {
    let (local, domain) = email.split_once('@')?;
    if let Some((_, good)) = DOMAIN_TYPOS.iter().find(|(bad, _)| *bad == domain) {
        return Some(format!("{local}@{good}"));
    }
    for (bad, good) in TLD_TYPOS {
        if let Some(stem) = domain.strip_suffix(bad) {
            return Some(format!("{local}@{stem}{good}"));
        }
    }
    None
}

/// The key two addresses are compared by. `fold_plus` drops "+tag" from the local part;
/// `fold_gmail_dots` drops dots for Gmail, which ignores them, and maps googlemail.com.
pub fn dedupe_key(email: &str, fold_plus: bool, fold_gmail_dots: bool) -> String {
    if !fold_plus && !fold_gmail_dots {
        return text::lowercase(email).into_owned();
    }
    let lower = email.to_lowercase();
    let Some((local, domain)) = lower.split_once('@') else {
        return lower;
    };
    let mut local = local.to_owned();
    let mut domain = domain.to_owned();
    if fold_plus {
        if let Some(i) = local.find('+') {
            if i > 0 {
                local.truncate(i);
            }
        }
    }
    if fold_gmail_dots && (domain == "gmail.com" || domain == "googlemail.com") {
        local.retain(|c| c != '.');
        domain = "gmail.com".to_owned();
    }
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_address_is_borrowed_not_copied() {
        assert!(matches!(
            normalize("jane@example.com"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn display_names_mailto_and_case_are_removed() {
        assert_eq!(
            normalize(" Jane Doe <Jane.Doe@Example.COM> ").as_deref(),
            Ok("jane.doe@example.com")
        );
        assert_eq!(normalize("mailto:JOE@x.org").as_deref(), Ok("joe@x.org"));
        assert_eq!(normalize("joe@x.org;").as_deref(), Ok("joe@x.org"));
    }

    #[test]
    fn addresses_without_at_or_domain_dot_are_invalid() {
        assert!(normalize("jane.example.com").is_err());
        assert!(normalize("jane@localhost").is_err());
        assert!(normalize("jane@@example.com").is_err());
        assert!(normalize("ja..ne@example.com").is_err());
        assert!(normalize("jane@-x.com").is_err());
        assert!(normalize("jane@x.c0m").is_err());
        assert!(normalize("").is_err());
    }

    #[test]
    fn two_addresses_in_one_cell_suggest_the_first() {
        let e = normalize("a@x.com; b@y.com").unwrap_err();
        assert_eq!(e.fix.as_deref(), Some("a@x.com"));
    }

    #[test]
    fn a_comma_in_the_domain_suggests_a_dot() {
        let e = normalize("jane@example,com").unwrap_err();
        assert_eq!(e.fix.as_deref(), Some("jane@example.com"));
    }

    #[test]
    fn international_addresses_are_accepted() {
        assert_eq!(normalize("José@Bücher.de").as_deref(), Ok("josé@bücher.de"));
    }

    #[test]
    fn domain_typos_are_suggested() {
        assert_eq!(
            typo_fix("jane@gmial.com").as_deref(),
            Some("jane@gmail.com")
        );
        assert_eq!(typo_fix("jane@acme.con").as_deref(), Some("jane@acme.com"));
        assert_eq!(typo_fix("jane@acme.com"), None);
    }

    #[test]
    fn dedupe_keys_fold_plus_tags_and_gmail_dots_only_when_asked() {
        assert_eq!(
            dedupe_key("J.Ane+news@GoogleMail.com", true, true),
            "jane@gmail.com"
        );
        assert_eq!(
            dedupe_key("j.ane+news@gmail.com", false, false),
            "j.ane+news@gmail.com"
        );
        assert_eq!(
            dedupe_key("j.ane+news@acme.com", true, true),
            "j.ane@acme.com"
        );
    }
}
