//! Throughput of the default configuration on generated messy rows, single thread, and of
//! phone parsing on its own. Run: cargo run --release -p rules --example bench [-- ROWS...]

use std::time::Instant;

use rules::config::ImportConfig;
use rules::engine::Validator;

/// Tiny deterministic generator so every run sees the same data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

const FIRST: &[&str] = &[
    "Jane",
    "  JOHN ",
    "élodie",
    "Jürgen",
    "maría josé",
    "O'BRIEN",
    "",
    "N/A",
    "Giulia",
    "jan",
];
const LAST: &[&str] = &[
    "Doe",
    "MÜLLER",
    "lefèvre",
    "",
    "van der Berg",
    "núñez",
    "Rossi ",
    "-",
    "de vries",
    "Smith",
];
const COMPANY: &[&str] = &[
    "ACME  GmbH",
    "Müller & Söhne",
    "",
    "Société Générale",
    "  Initech ",
    "Globex Corp",
    "n/a",
];
const STATUS: &[&str] = &[
    "new",
    "Neu",
    "contacted",
    "Qualifiziert",
    "",
    "Kunde",
    "perdu",
    "qualifed",
    "NOT INTERESTED",
    "nuevo",
];
const SOURCE: &[&str] = &[
    "Web",
    "Messe",
    "Empfehlung",
    "LinkedIn",
    "",
    "Salon",
    "carrier pigeon",
    "cold call",
    "Werbung",
];
const COUNTRY: &[&str] = &[
    "DE",
    "Germany",
    "Deutschland",
    "France",
    "",
    "España",
    "UK",
    "Nederland",
    "Italia",
    "Germny",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "Firma.DE",
    "gmail.com",
    "gmial.com",
    "web.de",
    "example,com",
    "acme.fr",
];

fn phone(rng: &mut Lcg) -> String {
    let n = 1_000_000 + rng.next() % 8_999_999;
    match rng.next() % 8 {
        0 => format!("030 {n}"),
        1 => format!("+49 (0)89 {n}"),
        2 => format!("0151 {}{}", n, rng.next() % 10),
        3 => format!("+33 6 {} {}", 10 + rng.next() % 89, n % 1_000_000),
        4 => format!("+44 20 7{}", n % 10_000_000),
        5 => String::new(),
        6 => "n/a".to_owned(),
        _ => format!("{}", n % 1000),
    }
}

fn generate(count: usize) -> Vec<Vec<Option<String>>> {
    let mut rng = Lcg(42);
    (0..count)
        .map(|i| {
            let email = match rng.next() % 10 {
                0 => String::new(),
                1 => format!("Lead {i} <LEAD.{i}@{}>", rng.pick(DOMAINS)),
                2 => format!("lead{}", i),
                _ => format!(" lead.{i}@{} ", rng.pick(DOMAINS)),
            };
            // Every 20th row repeats an earlier address: in-file duplicates.
            let email = if i % 20 == 19 {
                format!("lead.{}@example.com", i / 2)
            } else {
                email
            };
            vec![
                Some(rng.pick(FIRST).to_owned()),
                Some(rng.pick(LAST).to_owned()),
                Some(email),
                Some(phone(&mut rng)),
                Some(rng.pick(COMPANY).to_owned()),
                Some("Head of Sales".to_owned()),
                Some(rng.pick(STATUS).to_owned()),
                Some(rng.pick(SOURCE).to_owned()),
                Some(rng.pick(COUNTRY).to_owned()),
                if i % 7 == 0 {
                    Some("Met at the booth;  wants a demo".to_owned())
                } else {
                    None
                },
            ]
        })
        .collect()
}

fn main() {
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if args.is_empty() {
            vec![50_000, 1_000_000]
        } else {
            args
        }
    };
    let mut config = ImportConfig::default_leads();
    config.phone.default_region = Some("DE".into());
    let t = Instant::now();
    let Ok(v) = Validator::new(&config) else {
        eprintln!("default config is invalid");
        std::process::exit(1);
    };
    println!("Validator::new: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    // First phone parse loads the metadata; time it apart.
    let t = Instant::now();
    let _ = rules::phone::parse("+49 30 1234567", None);
    println!(
        "phone metadata load (first parse): {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    for &n in &sizes {
        let data = generate(n);
        let rows: Vec<(u32, Vec<Option<&str>>)> = data
            .iter()
            .enumerate()
            .map(|(i, r)| ((i + 2) as u32, r.iter().map(|c| c.as_deref()).collect()))
            .collect();
        let t = Instant::now();
        let mut issues = 0usize;
        for (row, vals) in &rows {
            issues += v.validate_row(*row, vals).issues.len();
        }
        let row_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let batch = v.validate_batch(&rows);
        let batch_s = t.elapsed().as_secs_f64();
        println!(
            "{n} rows: validate_row loop {:.1} ms ({:.0} rows/s, {issues} issues); validate_batch {:.1} ms ({:.0} rows/s; valid {}, warning {}, error {}, dup {})",
            row_s * 1e3,
            n as f64 / row_s,
            batch_s * 1e3,
            n as f64 / batch_s,
            batch.stats.valid,
            batch.stats.warning,
            batch.stats.error,
            batch.stats.duplicates_in_file
        );
    }

    let mut rng = Lcg(7);
    let phones: Vec<String> = (0..50_000).map(|_| phone(&mut rng)).collect();
    let region = rules::phone::region("DE");
    let t = Instant::now();
    let ok = phones
        .iter()
        .filter(|p| rules::phone::parse(p, region).is_ok())
        .count();
    let s = t.elapsed().as_secs_f64();
    println!(
        "phone parse+validate+E.164: 50000 in {:.1} ms ({:.0}/s, {ok} valid)",
        s * 1e3,
        50_000.0 / s
    );
}
