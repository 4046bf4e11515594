//! The PRD's metrics, computed from `import_telemetry` for the admin dashboard.
//!
//! Definitions (docs/observability.md says the same):
//! - An **upload** is one `upload` row: every file sent, re-uploads included.
//! - An upload **succeeded** when its import was applied and not reverted.
//! - An **episode** is a user's attempts at one source: it starts with an upload and goes
//!   on with every further upload by the same user for the same source within 24 hours of
//!   the one before, as long as the one before did not succeed. A **re-upload** is any
//!   upload of an episode after its first.
//! - **Success rate** = succeeded uploads / uploads (re-uploads count against it).
//! - **First-attempt success** = episodes whose first upload succeeded / episodes (the
//!   PRD's goal: 80 %).
//! - **Time to first successful import** = from an episode's first upload to its first
//!   successful apply (median over the episodes that got there).
//! - **Funnel**: uploaded → read (intake opened it) → mapped (the dry run got past mapping)
//!   → validated (staged) → reviewed (an edit, re-map or apply request) → applied.
//!
//! Episodes are cut at the range's start: an earlier upload of the same episode is not seen.

use std::collections::{BTreeMap, HashMap};

use time::{Date, Duration, OffsetDateTime, Time};

use crate::ImportError;
use api::{
    CodeWeek, Dashboard, DashboardQuery, DayFigures, FunnelFigures, FunnelStep, ImportStatus,
    SourceFigures, StatusCount, Throughput,
};
use store::dashboard::Attempt;

/// Days shown when the query names no range.
const DEFAULT_DAYS: i64 = 30;
/// The longest range, in days.
const MAX_DAYS: i64 = 366;
/// Uploads of one episode are at most this far apart.
const EPISODE_GAP: Duration = Duration::hours(24);

/// A `YYYY-MM-DD` day of a query (`what` names it in the error); blank is none.
pub(crate) fn parse_day(text: Option<&str>, what: &str) -> Result<Option<Date>, ImportError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let bad = || ImportError::bad_request(format!("{what} is a day as YYYY-MM-DD, not “{text}”."));
    let mut parts = text.splitn(3, '-').map(str::parse::<i32>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(bad)?;
    let day = u8::try_from(d).map_err(|_| bad())?;
    Date::from_calendar_date(y, month, day)
        .map(Some)
        .map_err(|_| bad())
}

/// The dashboard's figures for the caller's company (admins).
pub async fn load(
    pool: &sqlx::PgPool,
    principal: &auth::Principal,
    query: &DashboardQuery,
) -> Result<Dashboard, ImportError> {
    principal.require_admin()?;
    let today = OffsetDateTime::now_utc().date();
    let to = parse_day(query.to.as_deref(), "“to”")?.unwrap_or(today);
    let from = parse_day(query.from.as_deref(), "“from”")?
        .unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(ImportError::bad_request("“from” is after “to”."));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(ImportError::bad_request(format!(
            "A range covers at most {MAX_DAYS} days."
        )));
    }
    let source = query
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let range = store::dashboard::Range {
        company_id: principal.company_id,
        from: from.with_time(Time::MIDNIGHT).assume_utc(),
        to: (to + Duration::days(1))
            .with_time(Time::MIDNIGHT)
            .assume_utc(),
        source,
    };
    let attempts = store::dashboard::attempts(pool, range).await?;
    let figures = Figures::of(&attempts, from, to);
    let mut top_codes = Vec::new();
    let mut per_week: HashMap<String, usize> = HashMap::new();
    for (week, code, issues) in store::dashboard::codes_by_week(pool, range).await? {
        let n = per_week.entry(week.clone()).or_default();
        if *n < 5 {
            *n += 1;
            top_codes.push(CodeWeek {
                week,
                code,
                issues: u64::try_from(issues).unwrap_or(0),
            });
        }
    }
    let throughput = store::dashboard::throughput(pool, range)
        .await?
        .into_iter()
        .map(|(stage, format, rows, ms)| Throughput {
            stage,
            format,
            rows: u64::try_from(rows).unwrap_or(0),
            rows_per_minute: if ms > 0 {
                rows as f64 * 60_000.0 / ms as f64
            } else {
                0.0
            },
        })
        .collect();
    let by_status = store::dashboard::statuses(pool, range)
        .await?
        .into_iter()
        .filter_map(|(status, n)| {
            Some(StatusCount {
                status: status.parse::<ImportStatus>().ok()?,
                imports: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect();
    Ok(Dashboard {
        from: from.to_string(),
        to: to.to_string(),
        source: source.map(str::to_owned),
        sources: store::dashboard::sources(pool, range).await?,
        uploads: figures.uploads,
        applied: figures.applied,
        success_rate: ratio(figures.applied, figures.uploads),
        episodes: figures.episodes,
        first_attempt_success: ratio(figures.first_attempt_applied, figures.episodes),
        median_seconds_to_first_success: median(figures.to_first_success),
        days: figures.days,
        funnel: figures.funnel,
        top_codes,
        throughput,
        by_status,
        worst_sources: figures.worst_sources,
    })
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

fn seconds(from: OffsetDateTime, to: OffsetDateTime) -> f64 {
    (to - from).as_seconds_f64().max(0.0)
}

/// What the uploads say, computed in one pass (pure, so the definitions are unit-tested).
#[derive(Debug, Default, PartialEq)]
struct Figures {
    uploads: u64,
    applied: u64,
    episodes: u64,
    first_attempt_applied: u64,
    to_first_success: Vec<f64>,
    days: Vec<DayFigures>,
    funnel: Vec<FunnelFigures>,
    worst_sources: Vec<SourceFigures>,
}

fn succeeded(a: &Attempt) -> bool {
    a.applied_at.is_some() && a.reverted_at.is_none()
}

impl Figures {
    fn of(attempts: &[Attempt], from: Date, to: Date) -> Self {
        let mut days: BTreeMap<Date, DayFigures> = BTreeMap::new();
        let mut day = from;
        while day <= to {
            days.insert(
                day,
                DayFigures {
                    day: day.to_string(),
                    uploads: 0,
                    applied: 0,
                    episodes: 0,
                    first_attempt_applied: 0,
                },
            );
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        let mut out = Figures::default();
        // The open episode per (user, source): its first upload and its last one.
        let mut open: HashMap<(Option<uuid::Uuid>, &str), (&Attempt, &Attempt, bool)> =
            HashMap::new();
        let mut sources: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for a in attempts {
            let ok = succeeded(a);
            out.uploads += 1;
            out.applied += u64::from(ok);
            let source = sources.entry(a.source_key.as_str()).or_default();
            source.0 += 1;
            source.1 += u64::from(ok);
            if let Some(d) = days.get_mut(&a.at.date()) {
                d.uploads += 1;
                d.applied += u64::from(ok);
            }
            let key = (a.user_id, a.source_key.as_str());
            let continues = open
                .get(&key)
                .is_some_and(|(_, last, done)| !*done && a.at - last.at <= EPISODE_GAP);
            if continues {
                if let Some((first, last, done)) = open.get_mut(&key) {
                    *last = a;
                    if ok {
                        *done = true;
                        if let Some(applied) = a.applied_at {
                            out.to_first_success.push(seconds(first.at, applied));
                        }
                    }
                }
            } else {
                out.episodes += 1;
                out.first_attempt_applied += u64::from(ok);
                if let Some(d) = days.get_mut(&a.at.date()) {
                    d.episodes += 1;
                    d.first_attempt_applied += u64::from(ok);
                }
                if let (true, Some(applied)) = (ok, a.applied_at) {
                    out.to_first_success.push(seconds(a.at, applied));
                }
                open.insert(key, (a, a, ok));
            }
        }
        out.days = days.into_values().collect();
        out.funnel = funnel(attempts);
        let mut worst: Vec<SourceFigures> = sources
            .into_iter()
            .map(|(source, (uploads, applied))| SourceFigures {
                source: source.to_owned(),
                uploads,
                applied,
                success_rate: applied as f64 / uploads as f64,
            })
            .collect();
        worst.sort_by(|a, b| {
            a.success_rate
                .total_cmp(&b.success_rate)
                .then(b.uploads.cmp(&a.uploads))
        });
        worst.truncate(5);
        out.worst_sources = worst;
        out
    }
}

/// Uploads reaching each step, with the median time from the step before.
fn funnel(attempts: &[Attempt]) -> Vec<FunnelFigures> {
    let mapped = |a: &Attempt| {
        a.dry_run_at.is_some()
            && !a
                .dry_run_code
                .as_deref()
                .is_some_and(|c| c.starts_with("mapping."))
    };
    let validated = |a: &Attempt| a.dry_run_outcome.as_deref() == Some("ok");
    FunnelStep::ALL
        .iter()
        .map(|&step| {
            let reached: Vec<&Attempt> = attempts
                .iter()
                .filter(|a| match step {
                    FunnelStep::Uploaded => true,
                    FunnelStep::Read => a.read,
                    FunnelStep::Mapped => a.read && mapped(a),
                    FunnelStep::Validated => validated(a),
                    FunnelStep::Reviewed => validated(a) && a.reviewed_at.is_some(),
                    FunnelStep::Applied => succeeded(a),
                })
                .collect();
            let waits: Vec<f64> = reached
                .iter()
                .filter_map(|a| match step {
                    FunnelStep::Validated => Some(seconds(a.at, a.dry_run_at?)),
                    FunnelStep::Reviewed => Some(seconds(a.dry_run_at?, a.reviewed_at?)),
                    FunnelStep::Applied => {
                        Some(seconds(a.reviewed_at.or(a.dry_run_at)?, a.applied_at?))
                    }
                    _ => None,
                })
                .collect();
            FunnelFigures {
                step,
                imports: reached.len() as u64,
                median_seconds_from_previous: median(waits),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-30 09:00 UTC.
    fn nine_am() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_796_029_200).unwrap()
    }

    fn attempt(at: OffsetDateTime, user: u128, source: &str, applied: bool) -> Attempt {
        Attempt {
            at,
            user_id: Some(uuid::Uuid::from_u128(user)),
            source_key: source.into(),
            read: true,
            dry_run_at: Some(at + Duration::seconds(2)),
            dry_run_outcome: Some("ok".into()),
            dry_run_code: None,
            reviewed_at: applied.then(|| at + Duration::seconds(60)),
            applied_at: applied.then(|| at + Duration::seconds(120)),
            reverted_at: None,
        }
    }

    #[test]
    fn re_uploads_count_against_success_and_first_attempts_are_per_episode() {
        let day = nine_am();
        let attempts = vec![
            // User 1, source a: fails, re-uploads an hour later, succeeds — one episode.
            attempt(day, 1, "a", false),
            attempt(day + Duration::hours(1), 1, "a", true),
            // User 1, source a again the next day after a success: a new episode, first try.
            attempt(day + Duration::hours(30), 1, "a", true),
            // User 2, source b: abandoned; two days later a new episode that fails again.
            attempt(day, 2, "b", false),
            attempt(day + Duration::hours(50), 2, "b", false),
        ];
        let f = Figures::of(&attempts, day.date(), day.date() + Duration::days(2));
        assert_eq!((f.uploads, f.applied), (5, 2));
        assert_eq!((f.episodes, f.first_attempt_applied), (4, 1));
        // Episode 1 took an hour and two minutes to its first success; episode 2 two minutes.
        let mut waits = f.to_first_success.clone();
        waits.sort_by(f64::total_cmp);
        assert_eq!(waits, vec![120.0, 3720.0]);
        assert_eq!(f.days.len(), 3);
        assert_eq!(
            (f.days[0].uploads, f.days[0].applied, f.days[0].episodes),
            (3, 1, 2)
        );
        assert_eq!(f.worst_sources[0].source, "b");
        assert_eq!(f.worst_sources[0].success_rate, 0.0);
        let applied = f
            .funnel
            .iter()
            .find(|s| s.step == FunnelStep::Applied)
            .unwrap();
        assert_eq!(applied.imports, 2);
        assert_eq!(applied.median_seconds_from_previous, Some(60.0));
    }

    #[test]
    fn a_reverted_import_did_not_succeed() {
        let day = nine_am();
        let mut a = attempt(day, 1, "a", true);
        a.reverted_at = Some(day + Duration::hours(2));
        let f = Figures::of(&[a], day.date(), day.date());
        assert_eq!((f.uploads, f.applied, f.first_attempt_applied), (1, 0, 0));
    }
}
