//! Prints the native results for a cases file (the other half of `wasm-test.sh`).

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/agreement_cases.json".into());
    match std::fs::read_to_string(&path) {
        Ok(json) => print!("{}", rules::conformance::run_cases(&json)),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    }
}
