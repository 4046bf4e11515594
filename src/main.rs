//! Lead Importer's binary: parses the command line and hands over to `cli`.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = lead_importer::cli::Cli::parse();
    lead_importer::telemetry::init(&cli.log_format);
    match lead_importer::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
