//! Web addresses: add the missing scheme, lower-case scheme and host, drop a bare trailing
//! slash, and refuse what is not an http(s) address. No `url` crate: it pulls IDNA tables
//! into the wasm bundle for little gain here.

use std::borrow::Cow;

use crate::text;

/// Normalises a URL; borrows when already normal.
pub fn normalize(raw: &str) -> Result<Cow<'_, str>, &'static str> {
    let s = text::trim(raw);
    if s.is_empty() {
        return Err("the value is empty");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("a web address cannot contain spaces");
    }
    let (scheme, rest, had_scheme) = match s.find("://") {
        Some(i) => (&s[..i], &s[i + 3..], true),
        None => ("https", s, false),
    };
    let scheme_l = scheme.to_ascii_lowercase();
    if scheme_l != "http" && scheme_l != "https" {
        return Err("only http and https addresses are accepted");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("the address contains a user name or an @");
    }
    if !had_scheme && tail.is_empty() && !authority.contains('.') {
        return Err("this does not look like a web address");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 5 {
                return Err("the port is not a number");
            }
            (h, Some(p))
        }
        None => (authority, None),
    };
    check_host(host)?;
    let tail = if tail == "/" { "" } else { tail };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&scheme_l);
    out.push_str("://");
    out.push_str(&host.to_lowercase());
    if let Some(p) = port {
        out.push(':');
        out.push_str(p);
    }
    out.push_str(tail);
    if out == raw {
        Ok(Cow::Borrowed(raw))
    } else {
        Ok(Cow::Owned(out))
    }
}

fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("the address has no host name");
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(());
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() == 4
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 3 && l.parse::<u8>().is_ok())
    {
        return Ok(());
    }
    if labels.len() < 2 {
        return Err("the host name has no dot, e.g. example.com");
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-') {
            return Err("the host name has an empty or malformed part");
        }
        if !l.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err("the host name contains a character host names cannot contain");
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if !(tld.starts_with("xn--")
        || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)))
    {
        return Err("the host name does not end in a top-level domain");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_domain_gets_https() {
        assert_eq!(
            normalize("www.Example.com").as_deref(),
            Ok("https://www.example.com")
        );
        assert_eq!(
            normalize("example.com/about").as_deref(),
            Ok("https://example.com/about")
        );
    }

    #[test]
    fn scheme_and_host_are_lowercased_and_path_case_kept() {
        assert_eq!(
            normalize("HTTP://Example.COM/About?Q=1").as_deref(),
            Ok("http://example.com/About?Q=1")
        );
        assert_eq!(
            normalize("https://example.com/").as_deref(),
            Ok("https://example.com")
        );
        assert_eq!(
            normalize("https://example.com:8080/x").as_deref(),
            Ok("https://example.com:8080/x")
        );
    }

    #[test]
    fn a_normal_url_is_borrowed() {
        assert!(matches!(
            normalize("https://example.com/a"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn non_web_addresses_are_refused() {
        for s in [
            "ftp://example.com",
            "javascript:alert(1)",
            "not a url",
            "https://user@evil.com",
            "acme",
            "https://exa_mple.com",
            "https://x.com:port",
        ] {
            assert!(normalize(s).is_err(), "{s}");
        }
    }
}
