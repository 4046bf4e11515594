//! Streams a generated CSV (default 1,000,000 rows × 10 columns, with quoted commas
//! and multi-line notes) through intake and prints rows/s and peak RSS:
//! `cargo run -p intake --release --example stream_bench -- [ROWS]`.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn generate(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        w,
        "First Name,Last Name,Email,Phone,Company,City,Country,Status,Source,Notes"
    )?;
    for i in 0..rows {
        let notes = if i % 50 == 0 {
            "\"called twice,\nno answer\""
        } else {
            "ok"
        };
        writeln!(
            w,
            "Ann{i},Smith{i},ann{i}@example.com,+49 151 {i:08},\"Acme, Inc {}\",Berlin,DE,New,Fair,{notes}",
            i % 97
        )?;
    }
    w.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let path = std::env::temp_dir().join(format!("intake-bench-{rows}.csv"));
    if !path.exists() {
        generate(&path, rows)?;
    }
    let size = std::fs::metadata(&path)?.len();
    let rss_before = peak_rss_kib();
    let start = Instant::now();
    let mut intake = intake::open(&path, &intake::Options::default())?;
    let mut n = 0u64;
    let mut cells = 0u64;
    for record in &mut intake {
        let record = record?;
        n += 1;
        cells += record.cells.len() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} records ({cells} cells, {:.1} MiB) in {secs:.2} s: {:.0} rows/s, {:.1} MiB/s; peak RSS {} MiB (before reading: {} MiB)",
        size as f64 / 1048576.0,
        n as f64 / secs,
        size as f64 / 1048576.0 / secs,
        peak_rss_kib() / 1024,
        rss_before / 1024
    );
    Ok(())
}
