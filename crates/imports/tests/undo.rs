//! The review grid's server logic against a real database: undo and redo of cell edits and
//! bulk actions, the search filter, and bulk actions on a filtered selection. Each test
//! stages a small generated CSV through the real dry run on a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a failing test should panic with the value it got

use api::{BulkAction, BulkRequest, CellEdit, ImportId, RowQuery, RowStatus, Selection, Stats};
use imports::{DryRunOptions, FileStore, ImportService, Upload};
use sqlx::PgPool;

const CSV: &str = "First Name,Last Name,Email,Company,Country\n\
Ada,Lovelace,ada@example.com,Analytical Engines,GB\n\
Bob,Broken,not-an-email,Nowhere Ltd,\n\
Cleo,Clean,cleo@example.org,Acme GmbH,\n";

struct Fixture {
    svc: ImportService,
    principal: auth::Principal,
    import_id: ImportId,
    stats: Stats,
}

async fn staged(pool: PgPool) -> Fixture {
    let company = auth::create_company(&pool, "acme", "Acme GmbH")
        .await
        .unwrap();
    let user_id = auth::create_user(
        &pool,
        auth::NewUserInput {
            company_slug: "acme",
            email: "ada@acme.example",
            display_name: "Ada",
            password: "correct horse battery",
            role: auth::Role::Member,
            added_by: None,
        },
    )
    .await
    .unwrap();
    let principal = auth::Principal {
        user_id,
        email: "ada@acme.example".into(),
        display_name: "Ada".into(),
        company_id: company.id,
        company_slug: company.slug,
        company_name: company.name,
        role: auth::Role::Member,
    };
    let dir = tempfile::tempdir().unwrap().keep();
    let svc = ImportService {
        pool,
        files: FileStore::local(&dir.join("files")).unwrap(),
        limits: intake::Limits::default(),
        telemetry: imports::telemetry::Telemetry::default(),
    };
    let path = dir.join("leads.csv");
    std::fs::write(&path, CSV).unwrap();
    let report = imports::dry_run(
        &svc,
        &principal,
        Upload {
            path,
            file_name: "leads.csv".into(),
            sha256: "0".repeat(64),
            size_bytes: CSV.len() as u64,
        },
        DryRunOptions::default(),
    )
    .await
    .unwrap();
    Fixture {
        svc,
        principal,
        import_id: report.import_id,
        stats: report.stats,
    }
}

/// The seq of the row whose original cells contain `text`.
async fn seq_of(f: &Fixture, text: &str) -> u32 {
    let page = imports::rows::page(
        &f.svc.pool,
        &f.principal,
        f.import_id,
        &RowQuery {
            limit: Some(10),
            q: Some(text.into()),
            ..RowQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.rows.len(), 1, "one row contains {text}");
    page.rows[0].seq
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_edit_is_undone_and_redone_with_its_stats(pool: PgPool) {
    let f = staged(pool).await;
    assert_eq!(f.stats.error_rows, 1);
    let bob = seq_of(&f, "not-an-email").await;

    let edited = imports::edits::edit_cells(
        &f.svc,
        &f.principal,
        f.import_id,
        vec![CellEdit {
            seq: bob,
            field: "email".into(),
            value: Some("bob@example.net".into()),
        }],
    )
    .await
    .unwrap();
    assert_eq!(edited.stats.error_rows, 0);
    let state = imports::undo::state(&f.svc.pool, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(state.undo.as_deref(), Some("edit of email"));
    assert_eq!(state.redo, None);

    let undone = imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(undone.seqs, vec![bob]);
    assert_eq!(undone.stats.error_rows, 1);
    assert_eq!(
        undone.stats.by_code, f.stats.by_code,
        "undo restores the counts exactly"
    );
    assert_eq!(undone.state.undo, None);
    assert_eq!(undone.state.redo.as_deref(), Some("edit of email"));
    let row = imports::rows::by_seq(&f.svc.pool, &f.principal, f.import_id, &[bob as i32])
        .await
        .unwrap();
    assert_eq!(row[0].status.as_str(), "error");
    assert_eq!(
        serde_json::to_value(&row[0].edits).unwrap(),
        serde_json::json!({}),
        "the edit itself is gone, not nulled"
    );

    let redone = imports::undo::redo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(redone.stats.error_rows, 0);
    assert_eq!(redone.state.undo.as_deref(), Some("edit of email"));
    assert_eq!(redone.state.redo, None);

    let nothing = imports::undo::redo(&f.svc, &f.principal, f.import_id).await;
    assert_eq!(nothing.unwrap_err().code(), "redo.nothing");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_new_change_after_an_undo_ends_the_redo_branch(pool: PgPool) {
    let f = staged(pool).await;
    let bob = seq_of(&f, "not-an-email").await;
    let edit = |value: &str| CellEdit {
        seq: bob,
        field: "email".into(),
        value: Some(value.into()),
    };
    imports::edits::edit_cells(
        &f.svc,
        &f.principal,
        f.import_id,
        vec![edit("a@example.net")],
    )
    .await
    .unwrap();
    imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    imports::edits::edit_cells(
        &f.svc,
        &f.principal,
        f.import_id,
        vec![edit("b@example.net")],
    )
    .await
    .unwrap();
    let state = imports::undo::state(&f.svc.pool, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(state.redo, None);
    let undone = imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(undone.stats.error_rows, 1, "back to the original bad value");
    assert_eq!(undone.state.undo, None, "the first edit was undone before");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_bulk_default_on_a_filtered_selection_is_undone(pool: PgPool) {
    let f = staged(pool).await;
    // Only the rows matching the search get the default; Ada's country stays.
    let result = imports::edits::bulk(
        &f.svc,
        &f.principal,
        f.import_id,
        BulkRequest {
            action: BulkAction::SetDefault {
                field: "country".into(),
                value: "DE".into(),
            },
            selection: Selection {
                q: Some("acme gmbh".into()),
                ..Selection::default()
            },
        },
    )
    .await
    .unwrap();
    assert_eq!(result.affected, 1);
    let cleo = seq_of(&f, "cleo@").await;
    let bob = seq_of(&f, "not-an-email").await;
    let rows = imports::rows::by_seq(
        &f.svc.pool,
        &f.principal,
        f.import_id,
        &[bob as i32, cleo as i32],
    )
    .await
    .unwrap();
    assert_eq!(
        serde_json::to_value(&rows[0].edits).unwrap(),
        serde_json::json!({})
    );
    assert_eq!(
        serde_json::to_value(&rows[1].edits).unwrap(),
        serde_json::json!({ "country": "DE" })
    );
    assert_eq!(rows[1].normalized["country"], "DE");

    let undone = imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(undone.label, "default for country");
    let rows = imports::rows::by_seq(&f.svc.pool, &f.principal, f.import_id, &[cleo as i32])
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&rows[0].edits).unwrap(),
        serde_json::json!({})
    );
    assert!(!rows[0].normalized.contains_key("country"));
    assert_eq!(undone.stats.by_code, f.stats.by_code);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn excluding_rows_is_undone_without_touching_their_values(pool: PgPool) {
    let f = staged(pool).await;
    let excluded = imports::edits::bulk(
        &f.svc,
        &f.principal,
        f.import_id,
        BulkRequest {
            action: BulkAction::Exclude,
            selection: Selection {
                status: Some(RowStatus::Error),
                ..Selection::default()
            },
        },
    )
    .await
    .unwrap();
    assert_eq!(excluded.stats.excluded_rows, 1);
    let undone = imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap();
    assert_eq!(undone.stats.excluded_rows, 0);
    assert_eq!(undone.label, "exclusion of 1 rows");
    assert_eq!(undone.stats.error_rows, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_search_filter_matches_original_and_edited_cells_but_not_wildcards(pool: PgPool) {
    let f = staged(pool).await;
    let count = |q: &'static str| {
        let f = &f;
        async move {
            imports::rows::page(
                &f.svc.pool,
                &f.principal,
                f.import_id,
                &RowQuery {
                    limit: Some(10),
                    q: Some(q.into()),
                    ..RowQuery::default()
                },
            )
            .await
            .unwrap()
            .page
            .total
        }
    };
    assert_eq!(count("LOVELACE").await, 1);
    assert_eq!(count("example").await, 2);
    assert_eq!(
        count("%").await,
        0,
        "a percent sign is text, not a wildcard"
    );
    let bob = seq_of(&f, "not-an-email").await;
    imports::edits::edit_cells(
        &f.svc,
        &f.principal,
        f.import_id,
        vec![CellEdit {
            seq: bob,
            field: "email".into(),
            value: Some("robert@edited.example".into()),
        }],
    )
    .await
    .unwrap();
    assert_eq!(count("edited.example").await, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn undo_with_nothing_recorded_is_a_conflict(pool: PgPool) {
    let f = staged(pool).await;
    let err = imports::undo::undo(&f.svc, &f.principal, f.import_id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "undo.nothing");
}
