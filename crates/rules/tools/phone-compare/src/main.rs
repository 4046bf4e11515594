//! Times parse + validate + E.164 for `phonenumber` and `rlibphonenumber` on the same 50,000
//! generated numbers and checks both against ../../tests/phone_numbers.json.
//! Run: cargo run --release --manifest-path crates/rules/tools/phone-compare/Cargo.toml

use std::time::Instant;

fn numbers() -> Vec<String> {
    let mut x: u64 = 7;
    (0..50_000)
        .map(|i| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let n = 1_000_000 + (x >> 33) % 8_999_999;
            match i % 5 {
                0 => format!("030 {n}"),
                1 => format!("+49 89 {n}"),
                2 => format!("0151 {n}{}", i % 10),
                3 => format!("+33 6 {}", n % 100_000_000),
                _ => format!("+44 20 7{}", n % 10_000_000),
            }
        })
        .collect()
}

fn main() {
    let table: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../../tests/phone_numbers.json")).unwrap_or_default();
    let data = numbers();

    // phonenumber
    let t = Instant::now();
    let _ = phonenumber::parse(Some(phonenumber::country::Id::DE), "030 1234567");
    let load = t.elapsed();
    let t = Instant::now();
    let mut ok = 0;
    for s in &data {
        if let Ok(n) = phonenumber::parse(Some(phonenumber::country::Id::DE), s) {
            if phonenumber::is_valid(&n) {
                let _ = n.format().mode(phonenumber::Mode::E164).to_string();
                ok += 1;
            }
        }
    }
    let el = t.elapsed();
    let mut agree = 0;
    for c in &table {
        let raw = c["raw"].as_str().unwrap_or("");
        let region = c["region"].as_str().and_then(|r| r.parse::<phonenumber::country::Id>().ok());
        let got = phonenumber::parse(region, raw)
            .ok()
            .filter(phonenumber::is_valid)
            .map(|n| n.format().mode(phonenumber::Mode::E164).to_string());
        if got.as_deref() == c["e164"].as_str() {
            agree += 1;
        }
    }
    println!(
        "phonenumber 0.3: first parse {:.0} ms; 50000 in {:.0} ms = {:.0}/s ({ok} valid); table {agree}/{}",
        load.as_secs_f64() * 1e3,
        el.as_secs_f64() * 1e3,
        50_000.0 / el.as_secs_f64(),
        table.len()
    );

    // rlibphonenumber
    use rlibphonenumber::{PhoneNumberFormat, Region, PHONE_NUMBER_UTIL};
    let t = Instant::now();
    let _ = PHONE_NUMBER_UTIL.parse("030 1234567", Some(Region::DE));
    let load = t.elapsed();
    let t = Instant::now();
    let mut ok = 0;
    for s in &data {
        if let Ok(n) = PHONE_NUMBER_UTIL.parse(s, Some(Region::DE)) {
            if n.is_valid() {
                let _ = n.format_as(PhoneNumberFormat::E164).into_owned();
                ok += 1;
            }
        }
    }
    let el = t.elapsed();
    let mut agree = 0;
    for c in &table {
        let raw = c["raw"].as_str().unwrap_or("");
        let region = c["region"].as_str().and_then(|r| Region::from_code(r).ok());
        let got = PHONE_NUMBER_UTIL
            .parse(raw, region)
            .ok()
            .filter(|n| n.is_valid())
            .map(|n| n.format_as(PhoneNumberFormat::E164).into_owned());
        if got.as_deref() == c["e164"].as_str() {
            agree += 1;
        }
    }
    println!(
        "rlibphonenumber 2.2: first parse {:.0} ms; 50000 in {:.0} ms = {:.0}/s ({ok} valid); table {agree}/{} (raw library, without the crate's pre-cleaning)",
        load.as_secs_f64() * 1e3,
        el.as_secs_f64() * 1e3,
        50_000.0 / el.as_secs_f64(),
        table.len()
    );
}
