//! Generates a messy partner lead file for benchmarks and manual tests, deterministically:
//!
//! ```text
//! cargo run --release -p imports --example gen_leads -- --rows N --out FILE [--xlsx]
//!     [--existing-pct P] [--existing-leads M] [--seed S]
//! ```
//!
//! What is in it: names with accents and shouting, phones in mixed national and
//! international forms (`+49 151 …`, `0151 …`, `(030) …`, `+1 (415) …`, `00 33 …`,
//! `+44 20 …`, `+49 (0)30 …`), status and source labels in several languages, quoted
//! companies with commas, quoted multi-line notes (some with `""` quotes inside), ~5 %
//! invalid rows (bad e-mails, unknown status, neither e-mail nor phone) and ~2 % rows that
//! repeat an earlier row's e-mail (in-file duplicates). `--existing-pct` of the rows
//! (default 50) use an e-mail `lead{k}@bench.example` with `k` in `1..=M` (default
//! 1,000,000), as seeded by `bench/dry-run.sh`, so they are duplicates of leads already
//! in the database. Phone numbers are derived from the row number, so they never repeat
//! by accident and never match the seeded leads' phones.
//!
//! `--xlsx` writes one worksheet with every cell as a string (phones stay text).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

const HEADERS: [&str; 10] = [
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Company",
    "Job Title",
    "Status",
    "Lead Source",
    "Country",
    "Notes",
];

/// (as written, ASCII for the e-mail's local part)
const FIRST: &[(&str, &str)] = &[
    ("Jürgen", "juergen"),
    ("Élodie", "elodie"),
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Søren", "soren"),
    ("Łukasz", "lukasz"),
    ("anna", "anna"),
    ("FRANÇOIS", "francois"),
    ("Mary-Jane", "maryjane"),
    ("  Giulia ", "giulia"),
    ("Chloé", "chloe"),
    ("Ömer", "omer"),
    ("John", "john"),
    ("Inês", "ines"),
    ("Björn", "bjorn"),
    ("Daan", "daan"),
];
const LAST: &[(&str, &str)] = &[
    ("Müller", "mueller"),
    ("Lefèvre", "lefevre"),
    ("García Núñez", "garcianunez"),
    ("O'Brien", "obrien"),
    ("van der Berg", "vanderberg"),
    ("SCHMIDT", "schmidt"),
    ("Rossi", "rossi"),
    ("Dvořák", "dvorak"),
    ("Smith", "smith"),
    ("Gonçalves", "goncalves"),
    ("Kowalski", "kowalski"),
    ("de Vries", "devries"),
];
const DOMAINS: &[&str] = &[
    "example.com",
    "beispiel.de",
    "exemple.fr",
    "ejemplo.es",
    "mail.example.org",
    "Partner-Firma.DE",
];
const COMPANIES: &[&str] = &[
    "Müller & Söhne GmbH",
    "Acme, Inc.",
    "Société Générale de Café",
    "Café Olé S.L.",
    "Nordwind AG",
    "  globex corporation ",
    "Initech Ltd",
    "Åkesson & Co. AB",
    "Rossi S.p.A.",
    "",
];
const TITLES: &[&str] = &[
    "CEO",
    "Head of Sales",
    "Einkaufsleiter",
    "Directrice commerciale",
    "Jefe de compras",
    "",
    "CTO",
    "Office Manager",
];
/// Status labels the default configuration knows, in several languages.
const STATUSES: &[&str] = &[
    "new",
    "Neu",
    "nouveau",
    "Nuevo",
    "open",
    "Contacted",
    "kontaktiert",
    "contactado",
    "in progress",
    "Qualified",
    "qualifiziert",
    "Intéressé",
    "customer",
    "Kunde",
    "lost",
    "verloren",
    "",
];
/// Labels no configuration maps: the row is invalid (`cell.enum_unknown`).
const BAD_STATUSES: &[&str] = &["Wiedervorlage KW12", "zzz", "??", "pending-review-7"];
const SOURCES: &[&str] = &[
    "Website",
    "Webseite",
    "site web",
    "Empfehlung",
    "referral",
    "Messe",
    "trade show",
    "LinkedIn",
    "Kaltakquise",
    "Newsletter",
    "Google Ads",
    "Partner",
    "",
];
const BAD_EMAILS: &[&str] = &[
    "jane.doe@",
    "jane doe@example.com",
    "jane@@example.com",
    "keine Angabe",
    "@example.com",
    "jane.doe.example.com",
];
const NOTES: &[&str] = &[
    "",
    "",
    "",
    "ok",
    "Rückruf erbeten",
    "met at booth 4B",
    "Newsletter abonniert",
];
const MULTILINE_NOTES: &[&str] = &[
    "Called twice,\nno answer",
    "Met at the fair.\r\nWants a quote for \"Pro\" plan",
    "Zeile 1\nZeile 2\nZeile 3",
    "Intéressé par l'offre;\nrappeler lundi",
];

/// A tiny deterministic generator (PCG-style LCG), so every run writes the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

struct Args {
    rows: u64,
    out: PathBuf,
    xlsx: bool,
    existing_pct: u64,
    existing_leads: u64,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rows: 50_000,
        out: PathBuf::new(),
        xlsx: false,
        existing_pct: 50,
        existing_leads: 1_000_000,
        seed: 42,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |v: String, name: &str| {
            v.replace(['_', ','], "")
                .parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v}"))
        };
        match a.as_str() {
            "--rows" => args.rows = number(value("--rows")?, "--rows")?,
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--xlsx" => args.xlsx = true,
            "--existing-pct" => {
                args.existing_pct = number(value("--existing-pct")?, "--existing-pct")?
            }
            "--existing-leads" => {
                args.existing_leads = number(value("--existing-leads")?, "--existing-leads")?
            }
            "--seed" => args.seed = number(value("--seed")?, "--seed")?,
            "-h" | "--help" => {
                return Err("usage: gen_leads --rows N --out FILE [--xlsx] [--existing-pct P] [--existing-leads M] [--seed S]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err("--out FILE is required".into());
    }
    if args.existing_pct > 100 {
        return Err("--existing-pct is a percentage".into());
    }
    Ok(args)
}

/// What went into the file, to print at the end.
#[derive(Default)]
struct Tally {
    invalid: u64,
    duplicates: u64,
    existing: u64,
    multiline: u64,
}

/// The e-mail a row would have if nothing special happens to it (also what an in-file
/// duplicate of it repeats).
fn plain_email(i: u64, rng_seed: u64) -> String {
    let mut r = Rng(rng_seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (_, f) = *r.pick(FIRST);
    let (_, l) = *r.pick(LAST);
    let d = *r.pick(DOMAINS);
    format!("{f}.{l}.{i}@{d}")
}

/// A phone number derived from the row number, in one of several written forms. The
/// country it implies is returned with it (national forms need it to be parsed).
fn phone(i: u64, style: u64) -> (String, &'static str) {
    // Distinct for every row up to 8,000,000 in each form, and plausible-looking.
    let n = 20_000_000 + i % 80_000_000;
    match style {
        0 => (format!("+49 151 {n:08}"), "DE"),
        1 => (format!("0151 {:04} {:04}", n / 10_000, n % 10_000), "DE"),
        2 => (format!("(030) {n:08}"), "Deutschland"),
        3 => (
            format!(
                "+1 ({}) {}-{:04}",
                [415, 212, 646, 312][(n % 4) as usize],
                200 + (n / 10_000) % 800,
                n % 10_000
            ),
            "USA",
        ),
        4 => (
            format!(
                "00 33 1 {:02} {:02} {:02} {:02}",
                (n / 1_000_000) % 100,
                (n / 10_000) % 100,
                (n / 100) % 100,
                n % 100
            ),
            "France",
        ),
        5 => (
            format!("+44 20 7{:03} {:04}", (n / 10_000) % 1000, n % 10_000),
            "United Kingdom",
        ),
        6 => (format!("+49 (0)30 {n:08}"), "Germany"),
        _ => (format!("+49-160-{n:08}"), "DE"),
    }
}

fn row(
    i: u64,
    rng: &mut Rng,
    args: &Args,
    tally: &mut Tally,
    seen: &mut Vec<String>,
) -> [String; 10] {
    let (first, _) = *rng.pick(FIRST);
    let (last, _) = *rng.pick(LAST);
    let (mut phone_text, country) = phone(i, rng.below(8));
    let mut email = if seen.len() > 100 && rng.chance(20) {
        // ~2 %: an earlier row's e-mail again, in other case, with another phone.
        tally.duplicates += 1;
        rng.pick(seen).to_uppercase()
    } else if args.existing_leads > 0 && rng.below(100) < args.existing_pct {
        tally.existing += 1;
        // A permutation of the row number: distinct rows never hit the same lead by
        // accident (which would add in-file duplicates beyond the intended ~2 %).
        let k = 1 + (i.wrapping_mul(7_368_787) % args.existing_leads);
        if rng.chance(300) {
            format!("Lead{k}@Bench.Example")
        } else {
            format!("lead{k}@bench.example")
        }
    } else {
        plain_email(i, args.seed)
    };
    let mut status = rng.pick(STATUSES).to_string();
    if rng.chance(50) {
        // ~5 % invalid rows.
        tally.invalid += 1;
        match rng.below(5) {
            0 | 1 => email = rng.pick(BAD_EMAILS).to_string(),
            2 | 3 => status = rng.pick(BAD_STATUSES).to_string(),
            _ => {
                email.clear();
                phone_text.clear();
            }
        }
    }
    if !email.is_empty() && !is_bad_email(&email) {
        seen.push(email.clone());
    }
    let notes = if rng.chance(30) {
        tally.multiline += 1;
        rng.pick(MULTILINE_NOTES).to_string()
    } else {
        rng.pick(NOTES).to_string()
    };
    [
        first.to_owned(),
        last.to_owned(),
        email,
        phone_text,
        rng.pick(COMPANIES).to_string(),
        rng.pick(TITLES).to_string(),
        status,
        rng.pick(SOURCES).to_string(),
        country.to_owned(),
        notes,
    ]
}

/// Rows made invalid through their e-mail must not be repeated as duplicates.
fn is_bad_email(email: &str) -> bool {
    BAD_EMAILS.contains(&email)
}

fn csv_field(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        write!(w, "\"{}\"", s.replace('"', "\"\""))
    } else {
        w.write_all(s.as_bytes())
    }
}

fn write_csv(args: &Args, tally: &mut Tally) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&args.out)?);
    let mut rng = Rng(args.seed);
    let mut seen = Vec::new();
    w.write_all(HEADERS.join(",").as_bytes())?;
    w.write_all(b"\r\n")?;
    for i in 1..=args.rows {
        let cells = row(i, &mut rng, args, tally, &mut seen);
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                w.write_all(b",")?;
            }
            csv_field(&mut w, cell)?;
        }
        w.write_all(b"\r\n")?;
    }
    w.flush()
}

fn write_xlsx(args: &Args, tally: &mut Tally) -> Result<(), Box<dyn std::error::Error>> {
    use rust_xlsxwriter::Workbook;
    if args.rows >= 1_048_576 {
        return Err("an XLSX sheet holds at most 1,048,575 rows below its header".into());
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Leads")?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    let mut rng = Rng(args.seed);
    let mut seen = Vec::new();
    for i in 1..=args.rows {
        let cells = row(i, &mut rng, args, tally, &mut seen);
        for (c, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(i as u32, c as u16, cell)?;
            }
        }
    }
    workbook.save(&args.out)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let mut tally = Tally::default();
    if args.xlsx {
        write_xlsx(&args, &mut tally)?;
    } else {
        write_csv(&args, &mut tally)?;
    }
    let size = std::fs::metadata(&args.out)?.len();
    println!(
        "{}: {} rows, {:.1} MiB; invalid ≈ {} ({:.1} %), in-file duplicates ≈ {} ({:.1} %), e-mails of existing leads {} ({:.1} %), multi-line notes {}",
        args.out.display(),
        args.rows,
        size as f64 / (1024.0 * 1024.0),
        tally.invalid,
        pct(tally.invalid, args.rows),
        tally.duplicates,
        pct(tally.duplicates, args.rows),
        tally.existing,
        pct(tally.existing, args.rows),
        tally.multiline,
    );
    Ok(())
}

fn pct(n: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}
