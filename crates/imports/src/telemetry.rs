//! Import telemetry: every stage of an import (upload, dry run, edit batch, re-map, apply,
//! revert, and every failure) leaves one `import_telemetry` row, one `[ImportTelemetry]` log
//! event and moves the Prometheus counters registered here. The row is written in the
//! transaction of the work it describes where there is one ([`Telemetry::write`], then
//! [`Telemetry::emit`] once it committed) and by the failure path otherwise
//! ([`Telemetry::record`]). Nothing here holds file contents or personal data: counts,
//! codes, durations, the source key and ids.

use std::collections::HashMap;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use rules::config::DuplicatePolicy;
use rules::{Code, Level};
use uuid::Uuid;

use crate::ImportError;
use api::ApplyMode;

/// Dry-run and apply durations in seconds: 50 ms to 10 minutes (a million rows).
const STAGE_BUCKETS: [f64; 14] = [
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// The stages an import goes through; the `stage` column and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The file arrived and was opened (format, encoding, sheet, header row).
    Upload,
    /// Mapped, validated and staged.
    DryRun,
    /// A batch of cell edits or a bulk action in the grid.
    Edit,
    /// The mapping or the reading options changed and the rows were read again.
    Remap,
    Apply,
    Revert,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Upload,
        Stage::DryRun,
        Stage::Edit,
        Stage::Remap,
        Stage::Apply,
        Stage::Revert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Upload => "upload",
            Stage::DryRun => "dry_run",
            Stage::Edit => "edit",
            Stage::Remap => "remap",
            Stage::Apply => "apply",
            Stage::Revert => "revert",
        }
    }

    /// The words of the log event (`[ImportTelemetry] import applied`).
    fn event(self) -> &'static str {
        match self {
            Stage::Upload => "import uploaded",
            Stage::DryRun => "dry run finished",
            Stage::Edit => "rows edited",
            Stage::Remap => "import re-mapped",
            Stage::Apply => "import applied",
            Stage::Revert => "import reverted",
        }
    }
}

/// How a stage ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused for a reason the user can act on, with its error code (`file.too_large`).
    Rejected(&'static str),
    /// Broke (database, storage): the reason as the user was told it.
    Failed(String),
}

impl Outcome {
    /// The outcome of a stage that ended with `err`.
    pub fn of(err: &ImportError) -> Self {
        match err {
            ImportError::Internal(reason) => Outcome::Failed(reason.clone()),
            other => Outcome::Rejected(other.code()),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Rejected(_) => "rejected",
            Outcome::Failed(_) => "failed",
        }
    }

    /// The refusal's code and the failure's reason (each `None` for the other outcomes).
    pub fn code_and_reason(&self) -> (Option<&'static str>, Option<&str>) {
        match self {
            Outcome::Ok => (None, None),
            Outcome::Rejected(code) => (Some(*code), None),
            Outcome::Failed(reason) => (None, Some(reason.as_str())),
        }
    }
}

/// Row counts of a stage that looked at rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rows {
    pub total: u64,
    pub valid: u64,
    pub warning: u64,
    pub error: u64,
    pub duplicates_in_file: u64,
    pub duplicates_in_db: u64,
}

impl From<&api::Stats> for Rows {
    fn from(s: &api::Stats) -> Self {
        Rows {
            total: s.total_rows,
            valid: s.valid_rows,
            warning: s.warning_rows,
            error: s.error_rows,
            duplicates_in_file: s.duplicate_in_file,
            duplicates_in_db: s.duplicate_in_db,
        }
    }
}

/// Time per phase; a stage without a phase leaves it `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Phases {
    /// Opening and reading the file (for a dry run: reading and decoding every row).
    pub read: Option<Duration>,
    /// Running the rules over the rows.
    pub validate: Option<Duration>,
    /// Writing staged rows (dry run) or preparing the apply's working table.
    pub stage: Option<Duration>,
    /// Writing leads.
    pub apply: Option<Duration>,
    pub commit: Option<Duration>,
}

/// Issues counted by code, level and field (no field: a file or row issue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCount {
    pub code: Code,
    pub level: Level,
    pub field: Option<String>,
    pub count: u64,
}

/// Counts issues while a pass runs over rows, without an allocation per issue: codes and
/// levels are a closed set, and one code rarely concerns more than a few fields.
#[derive(Debug, Default)]
pub(crate) struct IssueTally {
    counts: HashMap<(Code, Level), Vec<FieldCount>>,
}

/// Issues of one code and level concerning one field (none: a file or row issue).
type FieldCount = (Option<String>, u64);

impl IssueTally {
    /// Counts one stored issue (`{"code", "level", "field", …}`); unknown codes are not ours
    /// to count and are skipped.
    pub fn add(&mut self, issue: &serde_json::Value) {
        let (Some(Ok(code)), Some(Ok(level))) = (
            issue["code"].as_str().map(str::parse::<Code>),
            issue["level"].as_str().map(str::parse::<Level>),
        ) else {
            return;
        };
        let field = issue["field"].as_str();
        let by_field = self.counts.entry((code, level)).or_default();
        match by_field.iter_mut().find(|(f, _)| f.as_deref() == field) {
            Some((_, n)) => *n += 1,
            None => by_field.push((field.map(str::to_owned), 1)),
        }
    }

    /// The counts, most frequent first.
    pub fn finish(self) -> Vec<IssueCount> {
        let mut out: Vec<IssueCount> = self
            .counts
            .into_iter()
            .flat_map(|((code, level), by_field)| {
                by_field.into_iter().map(move |(field, count)| IssueCount {
                    code,
                    level,
                    field,
                    count,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.code.cmp(&b.code))
                .then(a.field.cmp(&b.field))
        });
        out
    }
}

/// What one stage of one import did.
#[derive(Debug, Clone)]
pub struct Event {
    pub stage: Stage,
    pub outcome: Outcome,
    pub company_id: Uuid,
    pub import_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub source_key: String,
    /// `csv`, `xlsx`, … (intake's format names).
    pub format: Option<String>,
    pub rows: Option<Rows>,
    pub mode: Option<ApplyMode>,
    pub duplicate_policy: Option<DuplicatePolicy>,
    pub config_version: Option<i32>,
    pub phases: Phases,
    pub duration: Duration,
    pub bytes: Option<u64>,
    pub issues: Vec<IssueCount>,
}

impl Event {
    /// An event of `stage` in `company_id` with nothing else known yet.
    pub fn new(stage: Stage, company_id: Uuid) -> Self {
        Event {
            stage,
            outcome: Outcome::Ok,
            company_id,
            import_id: None,
            user_id: None,
            source_key: String::new(),
            format: None,
            rows: None,
            mode: None,
            duplicate_policy: None,
            config_version: None,
            phases: Phases::default(),
            duration: Duration::ZERO,
            bytes: None,
            issues: Vec::new(),
        }
    }
}

/// `stage`, `outcome`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    stage: &'static str,
    outcome: &'static str,
}

/// `stage`, `format`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RowLabels {
    stage: &'static str,
    format: &'static str,
}

/// `verdict` (valid, warning, error), `config_version`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: &'static str,
    config_version: String,
}

/// `code`, `level`, `config_version`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IssueLabels {
    code: &'static str,
    level: &'static str,
    config_version: String,
}

/// The import metrics; cheap to clone (the families are shared).
#[derive(Debug, Clone)]
pub struct Telemetry {
    imports: Family<StageLabels, Counter>,
    rows: Family<RowLabels, Counter>,
    verdicts: Family<VerdictLabels, Counter>,
    issues: Family<IssueLabels, Counter>,
    dry_run_seconds: Histogram,
    apply_seconds: Histogram,
    alert_posts: Family<AlertPostLabels, Counter>,
}

/// Outcomes of alert webhook posts.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AlertPostLabels {
    /// `delivered`, `retried` (failed, tried again later) or `gave_up`.
    outcome: &'static str,
}

impl Default for Telemetry {
    fn default() -> Self {
        Telemetry {
            imports: Family::default(),
            rows: Family::default(),
            verdicts: Family::default(),
            issues: Family::default(),
            dry_run_seconds: Histogram::new(STAGE_BUCKETS),
            apply_seconds: Histogram::new(STAGE_BUCKETS),
            alert_posts: Family::default(),
        }
    }
}

/// Format names as labels: intake's closed set, anything else one value.
fn format_label(format: Option<&str>) -> &'static str {
    match format {
        Some("csv") => "csv",
        Some("tsv") => "tsv",
        Some("xlsx") => "xlsx",
        Some("xls") => "xls",
        Some("ods") => "ods",
        Some(_) => "other",
        None => "unknown",
    }
}

impl Telemetry {
    /// Adds the import metrics to `registry` (prefixed by the registry).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "imports",
            "Import stages that ended, by stage and outcome (ok, rejected, failed)",
            self.imports.clone(),
        );
        registry.register(
            "rows_processed",
            "Rows a dry run read or an apply considered, by stage and file format",
            self.rows.clone(),
        );
        registry.register(
            "validation_rows",
            "Rows validated by dry runs and re-maps, by verdict and configuration version",
            self.verdicts.clone(),
        );
        registry.register(
            "validation_issues",
            "Issues found by dry runs and re-maps, by code, level and configuration version",
            self.issues.clone(),
        );
        registry.register_with_unit(
            "dry_run_duration",
            "Time of a finished dry run, upload to staged rows",
            Unit::Seconds,
            self.dry_run_seconds.clone(),
        );
        registry.register_with_unit(
            "apply_duration",
            "Time of a committed apply",
            Unit::Seconds,
            self.apply_seconds.clone(),
        );
        registry.register(
            "alert_webhook_deliveries",
            "Alert webhook posts, by outcome (delivered, retried, gave_up)",
            self.alert_posts.clone(),
        );
    }

    /// Counts one post of the alert webhook.
    pub fn alert_posted(&self, outcome: &'static str) {
        self.alert_posts
            .get_or_create(&AlertPostLabels { outcome })
            .inc();
    }

    /// Writes the event's row (inside the work's transaction); answers its id.
    pub async fn write(
        &self,
        db: impl sqlx::PgExecutor<'_>,
        event: &Event,
    ) -> Result<i64, ImportError> {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let rows = event.rows;
        let issue_counts: Vec<serde_json::Value> = event
            .issues
            .iter()
            .map(|i| {
                serde_json::json!({
                    "code": i.code.as_str(),
                    "level": i.level.as_str(),
                    "field": i.field,
                    "count": i.count,
                })
            })
            .collect();
        let (code, reason) = event.outcome.code_and_reason();
        let id = store::telemetry::insert(
            db,
            &store::telemetry::TelemetryRow {
                company_id: event.company_id,
                import_id: event.import_id,
                user_id: event.user_id,
                source_key: &event.source_key,
                stage: event.stage.as_str(),
                outcome: event.outcome.as_str(),
                code,
                reason,
                format: event.format.as_deref(),
                rows_in: rows.map(|r| n(r.total)),
                rows_valid: rows.map(|r| n(r.valid)),
                rows_warning: rows.map(|r| n(r.warning)),
                rows_error: rows.map(|r| n(r.error)),
                duplicates_in_file: rows.map(|r| n(r.duplicates_in_file)),
                duplicates_in_db: rows.map(|r| n(r.duplicates_in_db)),
                mode: event.mode.map(ApplyMode::as_str),
                duplicate_policy: event.duplicate_policy.map(DuplicatePolicy::as_str),
                config_version: event.config_version,
                read_ms: event.phases.read.map(ms),
                validate_ms: event.phases.validate.map(ms),
                stage_ms: event.phases.stage.map(ms),
                apply_ms: event.phases.apply.map(ms),
                commit_ms: event.phases.commit.map(ms),
                duration_ms: ms(event.duration),
                bytes: event.bytes.map(n),
                issue_counts: serde_json::Value::Array(issue_counts),
            },
        )
        .await?;
        Ok(id)
    }

    /// Counts the event and logs it; call once its row is committed.
    pub fn emit(&self, event: &Event) {
        let stage = event.stage.as_str();
        self.imports
            .get_or_create(&StageLabels {
                stage,
                outcome: event.outcome.as_str(),
            })
            .inc();
        let ok = event.outcome == Outcome::Ok;
        if let (true, Some(rows)) = (ok, event.rows) {
            if matches!(event.stage, Stage::DryRun | Stage::Apply) {
                self.rows
                    .get_or_create(&RowLabels {
                        stage,
                        format: format_label(event.format.as_deref()),
                    })
                    .inc_by(rows.total);
            }
            if matches!(event.stage, Stage::DryRun | Stage::Remap) {
                let version = event
                    .config_version
                    .map_or_else(|| "unknown".to_owned(), |v| v.to_string());
                for (verdict, count) in [
                    ("valid", rows.valid),
                    ("warning", rows.warning),
                    ("error", rows.error),
                ] {
                    self.verdicts
                        .get_or_create(&VerdictLabels {
                            verdict,
                            config_version: version.clone(),
                        })
                        .inc_by(count);
                }
                for issue in &event.issues {
                    self.issues
                        .get_or_create(&IssueLabels {
                            code: issue.code.as_str(),
                            level: issue.level.as_str(),
                            config_version: version.clone(),
                        })
                        .inc_by(issue.count);
                }
            }
        }
        if ok {
            match event.stage {
                Stage::DryRun => self.dry_run_seconds.observe(event.duration.as_secs_f64()),
                Stage::Apply => self.apply_seconds.observe(event.duration.as_secs_f64()),
                _ => {}
            }
        }
        let ms = |d: Option<Duration>| d.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let rows = event.rows.unwrap_or_default();
        let (code, reason) = event.outcome.code_and_reason();
        macro_rules! telemetry_event {
            ($level:ident, $words:literal) => {
                tracing::$level!(
                    target: "import_telemetry",
                    stage,
                    outcome = event.outcome.as_str(),
                    code,
                    reason,
                    import_id = event.import_id.map(|i| i.to_string()),
                    company_id = %event.company_id,
                    source = event.source_key.as_str(),
                    format = event.format.as_deref(),
                    mode = event.mode.map(ApplyMode::as_str),
                    duplicate_policy = event.duplicate_policy.map(DuplicatePolicy::as_str),
                    config_version = event.config_version,
                    rows = rows.total,
                    valid = rows.valid,
                    warnings = rows.warning,
                    errors = rows.error,
                    duplicate_in_file = rows.duplicates_in_file,
                    duplicate_in_db = rows.duplicates_in_db,
                    bytes = event.bytes,
                    read_ms = ms(event.phases.read),
                    validate_ms = ms(event.phases.validate),
                    stage_ms = ms(event.phases.stage),
                    apply_ms = ms(event.phases.apply),
                    commit_ms = ms(event.phases.commit),
                    duration_ms = ms(Some(event.duration)),
                    $words,
                    event.stage.event()
                )
            };
        }
        match event.outcome {
            Outcome::Ok => telemetry_event!(info, "[ImportTelemetry] {}"),
            Outcome::Rejected(_) => telemetry_event!(info, "[ImportTelemetry] {} (rejected)"),
            Outcome::Failed(_) => telemetry_event!(warn, "[ImportTelemetry] {} (failed)"),
        }
    }

    /// Writes and emits an event outside any transaction: the failure path. A failure to
    /// record is logged, never raised over the error being recorded.
    pub async fn record(&self, pool: &sqlx::PgPool, event: &Event) {
        match self.write(pool, event).await {
            Ok(_) => self.emit(event),
            Err(e) => {
                tracing::warn!(error = %e, stage = event.stage.as_str(), "could not record import telemetry")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_are_counted_by_code_level_and_field() {
        let mut tally = IssueTally::default();
        let issue = |code: &str, level: &str, field: Option<&str>| serde_json::json!({ "code": code, "level": level, "field": field });
        for _ in 0..3 {
            tally.add(&issue("cell.email_invalid", "error", Some("email")));
        }
        tally.add(&issue("cell.email_invalid", "warning", Some("email")));
        tally.add(&issue("row.duplicate_in_file", "warning", None));
        tally.add(&issue("no.such_code", "error", Some("email")));
        let counts = tally.finish();
        assert_eq!(counts.len(), 3, "{counts:?}");
        assert_eq!(
            counts[0],
            IssueCount {
                code: Code::CellEmailInvalid,
                level: Level::Error,
                field: Some("email".into()),
                count: 3
            }
        );
        assert!(counts
            .iter()
            .any(|c| c.code == Code::RowDuplicateInFile && c.field.is_none() && c.count == 1));
    }
}
