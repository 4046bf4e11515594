//! `/admin/dashboard`: the PRD's metrics from `import_telemetry` — success rate and
//! first-attempt success per day against the 80 % goal, the funnel, top error codes per
//! week, throughput, time to first successful import, imports by status and the worst
//! sources. Server-rendered SVG that reads without JavaScript; the filter is a plain GET
//! form, so it works without JavaScript too. The counts link to the imports behind them
//! (`/imports?from=&to=&source=&status=&code=`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::model::{Dashboard, DayFigures, FunnelFigures, Me, SUCCESS_GOAL};
use crate::server_fns::dashboard_figures;

/// The dashboard; admins only.
#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() { view! { <DashboardView/> }.into_any() } else { view! { <AdminsOnly message="Only company admins can see the dashboard."/> }.into_any() }
        }/>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    // Blocking, so the server sends the finished page (it reads without JavaScript).
    let figures = Resource::new_blocking(
        move || (param("from"), param("to"), param("source")),
        |(from, to, source)| dashboard_figures(from, to, source),
    );
    view! {
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading the figures…"</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(d) => view! { <Figures d/> }.into_any(),
                    Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

fn duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "–".to_owned(),
        Some(s) if s < 90.0 => format!("{s:.0} s"),
        Some(s) if s < 90.0 * 60.0 => format!("{:.0} min", s / 60.0),
        Some(s) if s < 48.0 * 3600.0 => format!("{:.1} h", s / 3600.0),
        Some(s) => format!("{:.1} days", s / 86400.0),
    }
}

#[component]
fn Figures(d: Dashboard) -> impl IntoView {
    let filter = view! { <Filter d=d.clone()/> };
    if d.uploads == 0 {
        return view! {
            {filter}
            <section class="panel empty-state" aria-labelledby="dash-empty">
                <h2 id="dash-empty">"No uploads in this range"</h2>
                <p class="muted">{format!("Nothing was uploaded between {} and {}{}. The figures appear with the first upload.", d.from, d.to, d.source.as_ref().map(|s| format!(" for source “{s}”")).unwrap_or_default())}</p>
                <a class="button primary" href="/imports/new">"Start an import"</a>
            </section>
        }
        .into_any();
    }
    let goal_met = d.first_attempt_success.is_some_and(|s| s >= SUCCESS_GOAL);
    view! {
        {filter}
        <section class="panel" aria-labelledby="dash-headline">
            <h2 id="dash-headline">"Headline"</h2>
            <dl class="stats">
                <div><dt>"Uploads"</dt><dd><a href=imports_href(&d, &[])>{d.uploads}</a></dd></div>
                <div><dt>"Success rate"</dt><dd><a href=imports_href(&d, &[("status", "applied")]) title=format!("{} of {} uploads applied", d.applied, d.uploads)>{percent(d.success_rate)}</a></dd></div>
                <div>
                    <dt>"First-attempt success"</dt>
                    <dd class=if goal_met { "good" } else { "bad" }>{percent(d.first_attempt_success)}</dd>
                </div>
                <div><dt>"Goal"</dt><dd>{percent(Some(SUCCESS_GOAL))}</dd></div>
                <div><dt>"Time to first successful import (median)"</dt><dd>{duration(d.median_seconds_to_first_success)}</dd></div>
            </dl>
            <p class="muted small">
                "Success rate: uploads applied and not reverted, over all uploads (re-uploads count). "
                "First-attempt success: a user's first upload for a source applied without another try within 24 hours."
            </p>
        </section>
        <section class="panel" aria-labelledby="dash-days">
            <h2 id="dash-days">"Success per day"</h2>
            <DaysChart days=d.days.clone()/>
        </section>
        <section class="panel" aria-labelledby="dash-funnel">
            <h2 id="dash-funnel">"Funnel"</h2>
            <FunnelChart steps=d.funnel.clone()/>
        </section>
        <section class="panel" aria-labelledby="dash-codes">
            <h2 id="dash-codes">"Top error codes per week"</h2>
            {if d.top_codes.is_empty() {
                view! { <p class="empty-state">"No errors found in this range."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Week of"</th><th scope="col">"Code"</th><th scope="col" class="num">"Issues"</th></tr></thead>
                        <tbody>{d.top_codes.iter().map(|c| view! {
                            <tr><td>{c.week.clone()}</td><td class="mono">{c.code.clone()}</td><td class="num"><a href=week_href(&d, &c.week, &c.code)>{c.issues}</a></td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <div class="dash-columns">
            <section class="panel" aria-labelledby="dash-throughput">
                <h2 id="dash-throughput">"Throughput"</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Stage"</th><th scope="col">"Format"</th><th scope="col" class="num">"Rows"</th><th scope="col" class="num">"Rows per minute"</th></tr></thead>
                    <tbody>{d.throughput.iter().map(|t| view! {
                        <tr>
                            <td>{if t.stage == "dry_run" { "dry run".to_owned() } else { t.stage.clone() }}</td>
                            <td>{t.format.clone()}</td>
                            <td class="num">{t.rows}</td>
                            <td class="num">{format!("{:.0}", t.rows_per_minute)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
            <section class="panel" aria-labelledby="dash-status">
                <h2 id="dash-status">"Imports by status"</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Status"</th><th scope="col" class="num">"Imports"</th></tr></thead>
                    <tbody>{d.by_status.iter().map(|s| view! {
                        <tr><td>{s.status.as_str()}</td><td class="num"><a href=imports_href(&d, &[("status", s.status.as_str())])>{s.imports}</a></td></tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
        </div>
        <section class="panel" aria-labelledby="dash-sources">
            <h2 id="dash-sources">"Worst sources"</h2>
            <table class="table">
                <thead><tr><th scope="col">"Source"</th><th scope="col" class="num">"Uploads"</th><th scope="col" class="num">"Applied"</th><th scope="col" class="num">"Success rate"</th></tr></thead>
                <tbody>{d.worst_sources.iter().map(|s| {
                    let href = format!("/admin/dashboard?from={}&to={}&source={}", d.from, d.to, encode(&s.source));
                    let uploads = imports_href(&d, &[("source", &s.source)]);
                    let applied = imports_href(&d, &[("source", &s.source), ("status", "applied")]);
                    view! {
                        <tr>
                            <td><a href=href>{if s.source.is_empty() { "(no source)".to_owned() } else { s.source.clone() }}</a></td>
                            <td class="num"><a href=uploads>{s.uploads}</a></td>
                            <td class="num"><a href=applied>{s.applied}</a></td>
                            <td class="num">{percent(Some(s.success_rate))}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The history (`/imports`) of the dashboard's range and source, narrowed by `extra`
/// (a `source` there replaces the dashboard's).
fn imports_href(d: &Dashboard, extra: &[(&str, &str)]) -> String {
    let mut href = format!("/imports?from={}&to={}", d.from, d.to);
    let own_source = extra.iter().any(|(k, _)| *k == "source");
    if let (Some(source), false) = (&d.source, own_source) {
        href.push_str(&format!("&source={}", encode(source)));
    }
    for (k, v) in extra {
        href.push_str(&format!("&{k}={}", encode(v)));
    }
    href
}

/// The imports of `week` (its Monday, within the range) with issues of `code`.
fn week_href(d: &Dashboard, week: &str, code: &str) -> String {
    let monday = week.to_owned();
    let sunday = add_days(week, 6).unwrap_or_else(|| d.to.clone());
    // The week may start before the range or end after it.
    let from = if monday < d.from {
        d.from.clone()
    } else {
        monday
    };
    let to = if sunday > d.to { d.to.clone() } else { sunday };
    let mut href = format!("/imports?from={from}&to={to}&code={}", encode(code));
    if let Some(source) = &d.source {
        href.push_str(&format!("&source={}", encode(source)));
    }
    href
}

/// `YYYY-MM-DD` plus `n` days (the proleptic Gregorian calendar).
fn add_days(day: &str, n: i64) -> Option<String> {
    let mut it = day.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(dd))) = (it.next(), it.next(), it.next()) else {
        return None;
    };
    // Days from the civil date and back (Howard Hinnant's algorithms).
    let (y0, m0) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y0.div_euclid(400);
    let yoe = y0 - era * 400;
    let doy = (153 * m0 + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let z = era * 146_097 + doe + n;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The range and source, as a GET form (works without JavaScript).
#[component]
fn Filter(d: Dashboard) -> impl IntoView {
    let current = d.source.clone().unwrap_or_default();
    view! {
        <form class="filter-form panel" method="get" action="/admin/dashboard" aria-label="Range and source">
            <label for="dash-from">"From"</label>
            <input id="dash-from" name="from" type="date" value=d.from.clone()/>
            <label for="dash-to">"To"</label>
            <input id="dash-to" name="to" type="date" value=d.to.clone()/>
            <label for="dash-source">"Source"</label>
            <select id="dash-source" name="source">
                <option value="" selected=current.is_empty()>"all sources"</option>
                {d.sources.iter().filter(|s| !s.is_empty()).map(|s| {
                    let selected = *s == current;
                    view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button secondary">"Show"</button>
        </form>
    }
}

const CHART_W: f64 = 720.0;
const CHART_H: f64 = 200.0;
const PAD_L: f64 = 40.0;
const PAD_B: f64 = 24.0;

/// Bars: each day's success rate; dots: first-attempt success; a line at the goal.
#[component]
fn DaysChart(days: Vec<DayFigures>) -> impl IntoView {
    let n = days.len().max(1) as f64;
    let slot = (CHART_W - PAD_L) / n;
    let plot_h = CHART_H - PAD_B;
    let y = move |share: f64| plot_h - share * (plot_h - 8.0);
    let goal_y = y(SUCCESS_GOAL);
    let label_every = (days.len() / 8).max(1);
    let summary = format!(
        "Success rate per day for {} days; dashed line: the {:.0} % goal.",
        days.len(),
        SUCCESS_GOAL * 100.0
    );
    let title = summary.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-label=summary>
                <title>{title}</title>
                {[0.0, 0.5, 1.0].into_iter().map(|t| view! {
                    <g class="axis">
                        <line x1=PAD_L x2=CHART_W y1=y(t) y2=y(t)/>
                        <text x=PAD_L - 6.0 y=y(t) + 4.0 text-anchor="end">{format!("{:.0}%", t * 100.0)}</text>
                    </g>
                }).collect_view()}
                {days.iter().enumerate().map(|(i, day)| {
                    let x = PAD_L + i as f64 * slot;
                    let rate = (day.uploads > 0).then(|| day.applied as f64 / day.uploads as f64);
                    let first = (day.episodes > 0).then(|| day.first_attempt_applied as f64 / day.episodes as f64);
                    let tip = format!(
                        "{}: {} upload(s), {} applied ({}); first attempt {} of {}",
                        day.day, day.uploads, day.applied, percent(rate), day.first_attempt_applied, day.episodes
                    );
                    let label = (i % label_every == 0).then(|| day.day[5..].to_owned());
                    view! {
                        <g>
                            <title>{tip}</title>
                            {rate.map(|r| view! {
                                <rect class="bar" x=x + slot * 0.15 width=slot * 0.7 y=y(r) height=(plot_h - y(r)).max(1.0)/>
                            })}
                            {first.map(|f| view! { <circle class="dot" cx=x + slot / 2.0 cy=y(f) r="3"/> })}
                            {label.map(|l| view! { <text class="tick" x=x + slot / 2.0 y=CHART_H - 6.0 text-anchor="middle">{l}</text> })}
                        </g>
                    }
                }).collect_view()}
                <line class="goal" x1=PAD_L x2=CHART_W y1=goal_y y2=goal_y/>
            </svg>
            <figcaption class="muted small">"Bars: uploads applied that day. Dots: first-attempt success of the episodes started that day. Dashed: the 80 % goal."</figcaption>
        </figure>
    }
}

/// Horizontal bars, one per step, widths relative to the uploads.
#[component]
fn FunnelChart(steps: Vec<FunnelFigures>) -> impl IntoView {
    let top = steps.first().map_or(1, |s| s.imports.max(1)) as f64;
    let row_h = 30.0;
    let label_w = 110.0;
    let h = row_h * steps.len() as f64;
    let summary = steps
        .iter()
        .map(|s| format!("{} {}", s.step.label(), s.imports))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {h}") role="img" aria-label=format!("Funnel: {summary}")>
                <title>{format!("Funnel: {summary}")}</title>
                {steps.iter().enumerate().map(|(i, s)| {
                    let y = i as f64 * row_h;
                    let w = ((CHART_W - label_w - 330.0) * s.imports as f64 / top).max(1.0);
                    let share = s.imports as f64 / top * 100.0;
                    let wait = s.median_seconds_from_previous.map(|t| format!(" · median {} after the step before", duration(Some(t)))).unwrap_or_default();
                    view! {
                        <g>
                            <text class="label" x="0" y=y + 19.0>{s.step.label()}</text>
                            <rect class="bar" x=label_w y=y + 4.0 width=w height=row_h - 8.0/>
                            <text class="value" x=label_w + w + 6.0 y=y + 19.0>{format!("{} ({share:.0} %){wait}", s.imports)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::add_days;

    #[test]
    fn days_are_added_across_months_years_and_leap_days() {
        assert_eq!(add_days("2026-11-30", 6).as_deref(), Some("2026-12-06"));
        assert_eq!(add_days("2026-12-28", 6).as_deref(), Some("2027-01-03"));
        assert_eq!(add_days("2028-02-26", 6).as_deref(), Some("2028-03-03"));
        assert_eq!(add_days("2024-02-28", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(add_days("2100-02-28", 1).as_deref(), Some("2100-03-01"));
        assert_eq!(add_days("nonsense", 1), None);
    }
}
