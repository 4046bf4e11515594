//! The OpenAPI 3.1 document of the REST API, served at `GET /api/openapi.json`.
//!
//! The schemas of the wire types are derived from the types in `crates/api` (schemars, from
//! their serde attributes and doc comments), so they cannot drift from what the handlers
//! answer. The operations — paths, parameters, status codes and the error codes each
//! answers — are written here; `tests/it/openapi.rs` fails when a route of the router has
//! no operation here, or an operation here has no route, and checks real answers against
//! the schemas with a JSON Schema validator.

use axum::Json;
use serde_json::{json, Map, Value};

mod accounts;
mod config;

/// `GET /api/openapi.json`: the document, public like the API's own error messages.
pub async fn document() -> Json<Value> {
    Json(spec())
}

/// The whole document.
pub fn spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Lead Importer REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": concat!(
                "Upload partner spreadsheets of leads (CSV, TSV, XLSX, XLS, ODS), get a dry run ",
                "that shows every problem before anything is written, review and fix the staged ",
                "rows, and manage saved column mappings. The same service functions back the web UI.\n\n",
                "Authenticate with the `li_session` cookie from `POST /api/auth/login` or with ",
                "`Authorization: Bearer li_…` (tokens are made by admins with `POST /api/tokens`, on the API tokens page or with `lead-importer token create`). ",
                "The company always comes from the session or token, never from the request. ",
                "Another company's import or preset answers 404.\n\n",
                "Every error is JSON `{\"error\": {\"code\": \"…\", \"message\": \"…\"}}` with a stable ",
                "code (see docs/error-codes.md). A state-changing request that a browser sends from ",
                "another site is refused with 403 `request.cross_site`; a wrong or revoked Bearer ",
                "token is 401 `auth.invalid_token` on every endpoint. JSON bodies are limited to ",
                "2 MiB (a larger one is refused as `request.invalid_json`); uploads to the server's ",
                "MAX_UPLOAD_BYTES (413 `file.too_large`)."
            ),
            "license": { "name": "See the repository's licence" }
        },
        "servers": [{ "url": "/" }],
        "tags": [
            { "name": "session", "description": "Signing in and out; the caller's identity." },
            { "name": "imports", "description": "Dry runs, the history, staged rows, edits and re-mapping." },
            { "name": "presets", "description": "Saved column mappings per source and header layout." },
            { "name": "config", "description": "The rules configuration: versions, diffs, checking, previewing, publishing, rolling back." },
            { "name": "accounts", "description": "The company's members and API tokens (admins)." },
            { "name": "meta", "description": "This document." }
        ],
        "security": [{ "cookieAuth": [] }, { "bearerAuth": [] }],
        "paths": paths(),
        "components": components(),
    })
}

fn paths() -> Value {
    let mut p = Map::new();
    p.insert("/api/auth/login".into(), json!({ "post": login() }));
    p.insert("/api/auth/logout".into(), json!({ "post": logout() }));
    p.insert("/api/me".into(), json!({ "get": me() }));
    p.insert(
        "/api/imports/leads/validate".into(),
        json!({ "post": validate() }),
    );
    p.insert("/api/imports".into(), json!({ "get": history() }));
    p.insert(
        "/api/imports/{id}".into(),
        json!({ "parameters": [id_param("import")], "get": summary() }),
    );
    p.insert(
        "/api/imports/{id}/rows".into(),
        json!({
            "parameters": [id_param("import")],
            "get": rows(),
            "patch": edit_rows(),
        }),
    );
    p.insert(
        "/api/imports/{id}/bulk".into(),
        json!({ "parameters": [id_param("import")], "post": bulk() }),
    );
    p.insert(
        "/api/imports/{id}/undo".into(),
        json!({ "parameters": [id_param("import")], "post": undo_redo(true) }),
    );
    p.insert(
        "/api/imports/{id}/redo".into(),
        json!({ "parameters": [id_param("import")], "post": undo_redo(false) }),
    );
    p.insert(
        "/api/imports/{id}/apply".into(),
        json!({ "parameters": [id_param("import")], "post": apply() }),
    );
    p.insert(
        "/api/imports/{id}/revert".into(),
        json!({ "parameters": [id_param("import")], "post": revert() }),
    );
    p.insert(
        "/api/imports/{id}/report.csv".into(),
        json!({ "parameters": [id_param("import")], "get": report("csv") }),
    );
    p.insert(
        "/api/imports/{id}/report.xlsx".into(),
        json!({ "parameters": [id_param("import")], "get": report("xlsx") }),
    );
    p.insert(
        "/api/imports/{id}/corrections".into(),
        json!({ "parameters": [id_param("import")], "post": corrections() }),
    );
    p.insert(
        "/api/imports/{id}/mapping".into(),
        json!({ "parameters": [id_param("import")], "put": remap() }),
    );
    p.insert(
        "/api/imports/{id}/revalidate".into(),
        json!({ "parameters": [id_param("import")], "post": revalidate() }),
    );
    p.insert(
        "/api/mapping-presets".into(),
        json!({ "get": list_presets(), "post": create_preset() }),
    );
    p.insert(
        "/api/mapping-presets/{id}".into(),
        json!({
            "parameters": [id_param("preset")],
            "put": update_preset(),
            "delete": delete_preset(),
        }),
    );
    config::paths(&mut p);
    accounts::paths(&mut p);
    p.insert("/api/openapi.json".into(), json!({ "get": openapi() }));
    Value::Object(p)
}

// ---------------------------------------------------------------------------------------
// Small builders, so each operation below reads as what it does.

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": json_content(schema) })
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": json_content(schema) })
}

/// An error response with the codes this operation answers under that status.
fn error(description: &str) -> Value {
    json!({ "description": description, "content": json_content(schema_ref("Error")) })
}

fn unauthenticated() -> Value {
    error(
        "`auth.unauthenticated`: no session or token; `auth.invalid_token`: the Bearer token is wrong or revoked.",
    )
}

fn internal() -> Value {
    error("`internal`: something failed on the server; the cause is logged, not sent.")
}

fn not_found(what: &str) -> Value {
    error(&format!(
        "`request.not_found`: no such {what} in the caller's company (also for a malformed id)."
    ))
}

fn cross_site_or(extra: &str) -> Value {
    if extra.is_empty() {
        error("`request.cross_site`: a browser sent this from another site.")
    } else {
        error(&format!(
            "`request.cross_site`: a browser sent this from another site; {extra}"
        ))
    }
}

fn id_param(what: &str) -> Value {
    json!({
        "name": "id",
        "in": "path",
        "required": true,
        "description": format!("The {what}'s id. Anything that is not a UUID of the caller's company answers 404."),
        "schema": { "type": "string", "format": "uuid" }
    })
}

fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema
    })
}

// ---------------------------------------------------------------------------------------
// Operations.

fn login() -> Value {
    json!({
        "tags": ["session"],
        "operationId": "login",
        "summary": "Sign in",
        "description": "Checks the password (Argon2), starts a session bound to the user's first company and sets the `li_session` cookie (HttpOnly, SameSite=Lax). A session cookie sent along is ended. Five failures per account or fifty per address in 15 minutes throttle further attempts.",
        "security": [],
        "requestBody": json_body(schema_ref("LoginRequest")),
        "responses": {
            "200": {
                "description": "Signed in; the identity, as `GET /api/me` answers it.",
                "headers": {
                    "Set-Cookie": {
                        "description": "`li_session=…; HttpOnly; SameSite=Lax; Path=/` (and `Secure` when configured).",
                        "schema": { "type": "string" }
                    }
                },
                "content": json_content(schema_ref("Me"))
            },
            "400": error("`request.invalid_json`: the body is not `{\"email\", \"password\"}` (or is over 2 MiB)."),
            "401": error("`auth.invalid_credentials`: unknown email or wrong password (the same answer for both); `auth.invalid_token`: a wrong Bearer token was sent."),
            "403": cross_site_or(""),
            "429": error("`auth.throttled`: too many failed attempts; wait and try again."),
            "500": internal()
        }
    })
}

fn logout() -> Value {
    json!({
        "tags": ["session"],
        "operationId": "logout",
        "summary": "Sign out",
        "description": "Ends the session of the `li_session` cookie, if any, and clears the cookie. Always 204.",
        "security": [],
        "responses": {
            "204": {
                "description": "Signed out (or was not signed in).",
                "headers": {
                    "Set-Cookie": {
                        "description": "Clears `li_session`.",
                        "schema": { "type": "string" }
                    }
                }
            },
            "401": error("`auth.invalid_token`: a wrong Bearer token was sent."),
            "403": cross_site_or(""),
            "500": internal()
        }
    })
}

fn me() -> Value {
    json!({
        "tags": ["session"],
        "operationId": "me",
        "summary": "The caller's identity",
        "responses": {
            "200": ok("The signed-in user, their company and role.", schema_ref("Me")),
            "401": unauthenticated(),
            "500": internal()
        }
    })
}

fn validate() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "validateLeads",
        "summary": "Upload a file and stage a dry run",
        "description": concat!(
            "Streams the upload to disk while hashing it (SHA-256), detects format (by magic bytes), ",
            "encoding, delimiter, sheet and header row, maps columns to fields (explicit `mapping`, else ",
            "`preset_id`, else a saved preset for this `source` and header layout, else suggestions), ",
            "validates every row with the company's active configuration, finds in-file duplicates and ",
            "duplicates among existing leads (by e-mail and phone), and stages rows, issues and stats. ",
            "Nothing is written to the leads. The original file is kept with the import.\n\n",
            "`row` numbers are as a spreadsheet program shows them (1-based, counting title and header rows)."
        ),
        "requestBody": {
            "required": true,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "description": "The spreadsheet: CSV, TSV or other delimited text, XLSX, XLS or ODS. Exactly one.",
                                "type": "string",
                                "contentMediaType": "application/octet-stream"
                            },
                            "source": {
                                "description": "The partner or system the file comes from; saved presets are found by it.",
                                "type": "string"
                            },
                            "preset_id": {
                                "description": "Apply this saved mapping preset (404 if the caller cannot see it).",
                                "type": "string",
                                "format": "uuid"
                            },
                            "mapping": {
                                "description": "An explicit mapping as a JSON object `{header: field | null}`; `null` or `\"\"` ignores the column. Headers not named keep their suggestion.",
                                "type": "string",
                                "contentMediaType": "application/json",
                                "contentSchema": schema_ref("ExplicitMapping")
                            },
                            "sheet": {
                                "description": "The sheet of a workbook, by name (default: the first visible sheet with data).",
                                "type": "string"
                            },
                            "header_row": {
                                "description": "The header's row number, from 1 (default: detected).",
                                "type": "integer",
                                "minimum": 1
                            },
                            "encoding": {
                                "description": "Text encoding label such as `utf-8`, `windows-1252`, `shift_jis` (default: detected).",
                                "type": "string"
                            },
                            "delimiter": {
                                "description": "One ASCII character such as `,` `;` `|`, or `tab` (default: sniffed; Excel's `sep=` line is honoured).",
                                "type": "string"
                            }
                        }
                    },
                    "encoding": {
                        "file": { "contentType": "application/octet-stream, text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/vnd.ms-excel, application/vnd.oasis.opendocument.spreadsheet" }
                    }
                }
            }
        },
        "responses": {
            "200": ok("The dry run's report with the first page of staged rows.", schema_ref("DryRunReport")),
            "303": { "description": "Only for a plain HTML form post (`Accept` names `text/html` and not `application/json`, as the upload page without JavaScript sends): `Location` is the import's wizard (`/imports/{id}?step=mapping`), or `/imports/new?error=…` with the refusal's message.", "headers": { "Location": { "schema": { "type": "string" } } } },
            "400": error("`request.invalid`: no `file` field, more than one, a field that is not UTF-8, or a bad `preset_id`, `mapping`, `header_row` or `delimiter`; `request.invalid_multipart`: the multipart body cannot be read."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": error("`request.not_found`: the `preset_id` names no preset the caller can see."),
            "408": { "description": "The dry run took longer than the server's request timeout (REQUEST_TIMEOUT_SECS); no body." },
            "413": error("`file.too_large`: the upload is over MAX_UPLOAD_BYTES (or a sheet has more cells than allowed); `request.too_large`: a text field is over 1 MiB."),
            "415": error("`request.not_multipart`: the body is not multipart/form-data."),
            "422": error("The file cannot be used: `file.empty`, `file.unsupported_format`, `file.encrypted`, `file.unreadable`, `file.zip_bomb`, `file.too_slow`, `file.too_many_rows`, `file.too_many_columns`, `file.encoding_unknown`, `file.sheet_not_found`, `file.option_invalid`; or the mapping cannot: `mapping.unknown_field`, `header.field_conflict`."),
            "500": internal()
        }
    })
}

fn history() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "listImports",
        "summary": "The company's imports, newest first, optionally filtered",
        "parameters": [
            query_param("from", "Created on or after this day (UTC, `YYYY-MM-DD`).", json!({ "type": "string", "format": "date" })),
            query_param("to", "Created on or before this day (UTC, `YYYY-MM-DD`).", json!({ "type": "string", "format": "date" })),
            query_param("source", "Only this source.", json!({ "type": "string" })),
            query_param("status", "Only imports in this status.", schema_ref("ImportStatus")),
            query_param("code", "Only imports with at least one issue of this code.", json!({ "type": "string" })),
            query_param("offset", "Imports to skip (negative counts as 0).", json!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX, "default": 0 })),
            query_param("limit", "Imports to return; the server clamps it to 1..=500.", json!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX, "default": 50 }))
        ],
        "responses": {
            "200": ok("One page of the history. `offset` and `limit` echo the request.", json!({
                "type": "object",
                "required": ["imports", "offset", "limit"],
                "properties": {
                    "imports": { "type": "array", "items": schema_ref("ImportSummary") },
                    "offset": { "type": "integer" },
                    "limit": { "type": "integer" }
                }
            })),
            "400": { "description": "`request.invalid` (JSON error): `from` or `to` is not a day. `offset` or `limit` not an integer, or an unknown `status`, gets a plain-text answer from the query decoder.", "content": json_content(schema_ref("Error")) },
            "401": unauthenticated(),
            "500": internal()
        }
    })
}

fn summary() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "getImport",
        "summary": "One import's summary",
        "responses": {
            "200": ok("The import: file, mapping, counts and file-level issues.", schema_ref("ImportSummary")),
            "401": unauthenticated(),
            "404": not_found("import"),
            "500": internal()
        }
    })
}

fn rows() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "listImportRows",
        "summary": "Page through staged rows",
        "description": "Rows in file order (`seq`), optionally only those of one status, with an issue on one field, or with an issue of one code. The filters combine.",
        "parameters": [
            query_param("offset", "Rows to skip (negative counts as 0).", json!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX, "default": 0 })),
            query_param("limit", "Rows to return: 1..=1000 (more is clamped to 1000); 0 or less means 100.", json!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX, "default": 100 })),
            query_param("status", "Only rows of this status.", json!({ "type": "string", "enum": ["valid", "warning", "error"] })),
            query_param("field", "Only rows with an issue on this field key, e.g. `email`.", json!({ "type": "string" })),
            query_param("code", "Only rows with an issue of this code, e.g. `cell.email_invalid`.", json!({ "type": "string" })),
            query_param("q", "Only rows with a cell (original or edited) containing this text, case-insensitively.", json!({ "type": "string" }))
        ],
        "responses": {
            "200": ok("A page of rows and where it sits in the filtered rows.", schema_ref("RowPage")),
            "400": { "description": "`request.invalid` (JSON error): an unknown `status`. A paging parameter that is not an integer gets a plain-text answer from the query decoder.", "content": json_content(schema_ref("Error")) },
            "401": unauthenticated(),
            "404": not_found("import"),
            "500": internal()
        }
    })
}

fn edit_rows() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "editImportRows",
        "summary": "Edit cells of staged rows",
        "description": "Sets (or with `null` clears) the value of `field` in the row named by `seq`, at most 10,000 cells per request. The server revalidates the edited rows with the import's configuration version, recomputes in-file duplicates where keys changed, and updates the stats, in one transaction. The original cells are kept; edits live beside them.",
        "requestBody": json_body(schema_ref("RowEdits")),
        "responses": {
            "200": ok("The rows the edit touched (the edited rows and rows whose duplicate status changed) as they are now, and the import's new stats.", json!({
                "type": "object",
                "required": ["rows", "stats"],
                "properties": {
                    "rows": { "type": "array", "items": schema_ref("RowView") },
                    "stats": schema_ref("Stats")
                }
            })),
            "400": error("`request.invalid_json`: the body is not `{\"edits\": [{\"seq\", \"field\", \"value\"}]}` (or is over 2 MiB); `request.invalid`: no edits, more than 10,000, or a `seq` out of range."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": error("`request.not_found`: no such import in the caller's company, or an edit names a `seq` the import does not have (nothing is changed)."),
            "409": error("`import.not_editable`: the import is being applied, was applied or was reverted (a `staged` or `failed` import can be changed)."),
            "422": error("`mapping.unknown_field`: an edit names a field the import's configuration does not have."),
            "500": internal()
        }
    })
}

fn bulk() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "bulkEditImport",
        "summary": "Apply a bulk action to staged rows",
        "description": concat!(
            "One action over many rows. The rows are those named by `seqs`; without `seqs`, every row ",
            "of `status`, or every row (for `apply_fix`: every row with an issue of `code`).\n",
            "- `clear_column`: clear `field`.\n",
            "- `set_default`: put `value` into `field` where it is empty.\n",
            "- `find_replace`: replace `find` (not empty) with `replace` (default empty) within `field`.\n",
            "- `apply_fix`: apply the suggested fix of every issue with `code` (only on `field`, when given).\n",
            "- `exclude` / `restore`: leave the rows out of the import, or take them back.\n",
            "Value-changing actions are stored as edits beside the original cells and the whole import ",
            "is revalidated (in-file duplicates included) in the same transaction. Members an action ",
            "does not use are ignored."
        ),
        "requestBody": json_body(schema_ref("BulkRequest")),
        "responses": {
            "200": ok("How many rows changed (for `exclude` / `restore`: how many rows were switched), and the import's new stats.", json!({
                "type": "object",
                "required": ["affected", "stats"],
                "properties": {
                    "affected": { "type": "integer", "minimum": 0 },
                    "stats": schema_ref("Stats")
                }
            })),
            "400": error("`request.invalid_json`: the body is not `{\"action\", …}` (or is over 2 MiB); `request.invalid`: an unknown action or `status`, a member the action needs is missing, or `find` is empty."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error("`import.not_editable`: the import is being applied, was applied or was reverted (a `staged` or `failed` import can be changed)."),
            "422": error("`mapping.unknown_field`: `field` is not a field of the import's configuration."),
            "500": internal()
        }
    })
}

fn undo_redo(undo: bool) -> Value {
    let (operation, summary, description, nothing) = if undo {
        (
            "undoImportChange",
            "Undo the newest edit or bulk action",
            "Writes back the rows' edits and exclusions as they were before the newest change that is not undone yet (a cell-edit batch or a bulk action, from the grid or from REST: one history per import, kept in the database) and revalidates them. The change can be redone until a new change is made.",
            "`undo.nothing`: no change to undo",
        )
    } else {
        (
            "redoImportChange",
            "Redo the oldest undone change",
            "Re-applies the oldest undone change and revalidates its rows. A new edit or bulk action after an undo discards the undone changes, as in any editor.",
            "`redo.nothing`: no undone change to redo",
        )
    };
    json!({
        "tags": ["imports"],
        "operationId": operation,
        "summary": summary,
        "description": description,
        "responses": {
            "200": ok("What was undone or redone (`label`), the rows it touched (`seqs`), the import's stats after revalidation and what undo and redo would do next (`state`).", schema_ref("UndoResult")),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error(&format!("{nothing}; `import.not_editable`: the import is being applied, was applied or was reverted.")),
            "500": internal()
        }
    })
}

fn apply() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "applyImport",
        "summary": "Write the import's rows to the leads",
        "description": concat!(
            "Applies the staged rows in one transaction with set-based statements. ",
            "`mode`: `valid_only` (default) leaves rows with errors out (they stay in the error report; warnings are imported); ",
            "`all` is refused while rows with errors remain (fix or exclude them first). Excluded and empty rows are never imported. ",
            "`duplicate_policy` for rows matching an existing lead (by e-mail, then phone): `skip` creates new leads only, ",
            "`update` updates existing leads only, `upsert` does both; default: the configuration's policy. ",
            "Updates overwrite with the values the file provided, except locked fields; `fill_empty_only` only fills empty fields. ",
            "Within the file the first occurrence of a lead wins. Every created lead and updated field keeps a before-image for revert.\n\n",
            "Answers 202 with the summary (`status: applying`, `progress`) and applies in the background; poll `GET /api/imports/{id}`. ",
            "With `?wait=true` it answers 200 once applied. Applying an applied import answers 200 with its first result. ",
            "If the apply fails (database gone, connection killed) nothing is written, the import is `failed` with a reason, and applying again retries."
        ),
        "parameters": [
            query_param("wait", "Block until the apply has finished (for scripts).", json!({ "type": "boolean", "default": false }))
        ],
        "requestBody": { "required": false, "content": json_content(schema_ref("ApplyRequest")) },
        "responses": {
            "200": ok("Applied (now, with `wait=true`, or before): the summary with `result`.", schema_ref("ImportSummary")),
            "202": ok("Accepted: the summary with `status: applying` and `progress`.", schema_ref("ImportSummary")),
            "400": error("`request.invalid_json`: the body is not an apply request."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error("`import.apply_in_progress`: another apply of this import is running; `apply.errors_remain`: mode `all` while rows with errors remain; `import.reverted`: the import was reverted; `import.not_ready`: still validating; `import.apply_failed` (with `wait=true`): the apply failed and wrote nothing, the message says why."),
            "422": error("`apply.invalid_mode`, `apply.invalid_policy`: an unknown `mode` or `duplicate_policy`."),
            "500": internal()
        }
    })
}

fn revert() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "revertImport",
        "summary": "Undo an applied import",
        "description": "In one transaction, removes the leads the import created and restores every field it updated (even `updated_at`). Leads changed since the import are not overwritten silently: without a decision the answer is 409 `import.revert_conflicts` listing them; send `on_conflict: keep` to leave them as they are or `overwrite` to revert them too. Reverting a reverted import answers its summary again.",
        "requestBody": { "required": false, "content": json_content(schema_ref("RevertRequest")) },
        "responses": {
            "200": ok("Reverted: the summary with `status: reverted` and `revert_result`.", schema_ref("ImportSummary")),
            "400": error("`request.invalid_json`: the body is not a revert request."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": { "description": "`import.revert_conflicts`: leads changed since the import; the error object also has `total` and `conflicts` (the first 100). `import.not_applied`, `import.apply_in_progress`, `import.busy`: the state does not allow a revert now.", "content": json_content(schema_ref("RevertConflictError")) },
            "422": error("`revert.invalid_choice`: an unknown `on_conflict`."),
            "500": internal()
        }
    })
}

fn report(format: &str) -> Value {
    let csv = format == "csv";
    let (media, what) = if csv {
        ("text/csv", concat!(
            "CSV, UTF-8 with a BOM, in one of two shapes (`shape`). `rows` (default): one line per row with issues — Row id, Row, Row status, Problems, then every column of the uploaded file under its original header and in its original order (unmapped columns too), with the row's current values including edits. Uploaded as a new file to `/api/imports/leads/validate`, it maps every column to the field it had in that import (confidence 1) and ignores the report's own columns. ",
            "`issues`: one line per issue — Row, Row id, Row status, Field, Column, Level, Code, Original value, Normalized value, Message, Hint. ",
            "In both, cells starting with = + - @, tab, CR or LF are prefixed with `'` so no spreadsheet runs them."
        ))
    } else {
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX with two sheets, every cell text: “Fix these rows” (Row id, Row, Row status, Problems, then the current value of each mapped field — fix it and upload it back to `/corrections`) and “Issues” (as the CSV's `issues` shape).")
    };
    let mut op = json!({
        "tags": ["imports"],
        "operationId": if csv { "importReportCsv" } else { "importReportXlsx" },
        "summary": format!("The error report as {}", format.to_uppercase()),
        "description": format!("Every row with at least one issue (errors and warnings alike). {what} An applied import serves the report stored when it was applied; otherwise it is generated from the current rows, streamed. Downloads are audited."),
        "responses": {
            "200": { "description": "The report, as an attachment.", "content": { media: { "schema": { "type": "string", "format": "binary" } } } },
            "401": unauthenticated(),
            "404": not_found("import"),
            "500": internal()
        }
    });
    if csv {
        op["parameters"] = json!([{
            "name": "shape",
            "in": "query",
            "required": false,
            "description": "`rows` (default): the failed rows with all their original columns, re-importable; `issues`: one line per issue.",
            "schema": { "type": "string", "enum": ["rows", "issues"], "default": "rows" }
        }]);
        op["responses"]["400"] = error("`request.invalid`: an unknown `shape`.");
    }
    op
}

fn corrections() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "uploadCorrections",
        "summary": "Upload a fixed error report back to its import",
        "description": "Multipart `file`: the XLSX error report of this import (or its “Fix these rows” sheet saved as CSV) after fixing values in a spreadsheet program. Rows are found by “Row id”; cells that differ from the row's current value become edits, revalidated like any other edit.",
        "requestBody": {
            "required": true,
            "content": { "multipart/form-data": { "schema": {
                "type": "object",
                "required": ["file"],
                "properties": { "file": { "type": "string", "format": "binary" } }
            } } }
        },
        "responses": {
            "200": ok("What changed and the import's new stats.", schema_ref("CorrectionResult")),
            "400": error("`request.invalid`: no file field."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error("`import.not_editable`: the import is being applied, was applied or was reverted."),
            "413": error("`file.too_large`: over the upload limit."),
            "415": error("`request.not_multipart`: the body is not multipart/form-data."),
            "422": error("`corrections.no_row_id`: the file has no “Row id” column; `corrections.no_fields`: none of its columns is a field; or the file cannot be read (intake codes such as `file.unreadable`)."),
            "500": internal()
        }
    })
}

fn revalidate() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "revalidateImport",
        "summary": "Check the staged rows again with the active rules version",
        "description": "A staged import keeps the configuration version it was validated with; after a publish this re-runs validation and duplicate detection on every staged row with the company's active version (cell edits, mapping and date-order decisions kept), and the import's `config_version` becomes that version.",
        "responses": {
            "200": ok("The import with its new stats and version.", schema_ref("ImportSummary")),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error("`import.not_editable`: the import is being applied, was applied or was reverted."),
            "500": internal()
        }
    })
}

fn remap() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "remapImport",
        "summary": "Change the column mapping and re-run the dry run",
        "description": "Replaces the mapping with `{header: field | null}`: the user saw every column, so headers the object leaves out are ignored. Re-runs validation and duplicate detection on the staged cells in one transaction; the user's cell edits are kept.",
        "requestBody": json_body(json!({
            "type": "object",
            "required": ["mapping"],
            "properties": { "mapping": schema_ref("ExplicitMapping") }
        })),
        "responses": {
            "200": ok("The import with its new mapping and stats.", schema_ref("ImportSummary")),
            "400": error("`request.invalid_json`: the body is not `{\"mapping\": {header: field | null}}` (or is over 2 MiB)."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": not_found("import"),
            "409": error("`import.not_editable`: the import is being applied, was applied or was reverted (a `staged` or `failed` import can be changed)."),
            "422": error("`mapping.unknown_header`: a header the file does not have; `mapping.unknown_field`: a field the configuration does not have; `header.field_conflict`: two columns on one field."),
            "500": internal()
        }
    })
}

fn list_presets() -> Value {
    json!({
        "tags": ["presets"],
        "operationId": "listPresets",
        "summary": "The mapping presets the caller can use",
        "description": "The caller's own presets and the company's.",
        "responses": {
            "200": ok("Every visible preset.", json!({
                "type": "object",
                "required": ["presets"],
                "properties": { "presets": { "type": "array", "items": schema_ref("PresetView") } }
            })),
            "401": unauthenticated(),
            "500": internal()
        }
    })
}

fn preset_write_errors(with_not_found: bool) -> Value {
    let mut r = Map::new();
    r.insert("400".into(), error("`request.invalid_json`: the body is not a preset (or is over 2 MiB); `request.invalid`: an empty or over-long name (1–200 characters), an empty mapping, or an unknown scope."));
    r.insert("401".into(), unauthenticated());
    r.insert(
        "403".into(),
        cross_site_or("`auth.forbidden`: only company admins may save or change company presets."),
    );
    if with_not_found {
        r.insert("404".into(), not_found("preset"));
    }
    r.insert(
        "409".into(),
        error("`preset.name_taken`: a preset of that name exists already."),
    );
    r.insert("500".into(), internal());
    Value::Object(r)
}

fn create_preset() -> Value {
    let mut responses = preset_write_errors(false);
    responses["201"] = ok("The saved preset.", schema_ref("PresetView"));
    json!({
        "tags": ["presets"],
        "operationId": "createPreset",
        "summary": "Save a mapping preset",
        "description": "A `user` preset is the caller's own; `company` presets (admins only) are for everyone. Audited as `preset.create`.",
        "requestBody": json_body(schema_ref("PresetInput")),
        "responses": responses
    })
}

fn update_preset() -> Value {
    let mut responses = preset_write_errors(true);
    responses["200"] = ok("The preset as saved now.", schema_ref("PresetView"));
    json!({
        "tags": ["presets"],
        "operationId": "updatePreset",
        "summary": "Replace a mapping preset",
        "description": "Only its owner may replace a personal preset; only admins a company preset. Left-out `headers` keep the preset's header layout; `[]` drops it. Audited as `preset.update` with what changed.",
        "requestBody": json_body(schema_ref("PresetInput")),
        "responses": responses
    })
}

fn delete_preset() -> Value {
    json!({
        "tags": ["presets"],
        "operationId": "deletePreset",
        "summary": "Delete a mapping preset",
        "description": "Only its owner may delete a personal preset; only admins a company preset. Audited as `preset.delete`.",
        "responses": {
            "204": { "description": "Deleted." },
            "401": unauthenticated(),
            "403": cross_site_or("`auth.forbidden`: only company admins may delete company presets."),
            "404": not_found("preset"),
            "500": internal()
        }
    })
}

fn openapi() -> Value {
    json!({
        "tags": ["meta"],
        "operationId": "openapi",
        "summary": "This OpenAPI document",
        "security": [],
        "responses": {
            "200": ok("The OpenAPI 3.1 document.", json!({ "type": "object" })),
            "401": error("`auth.invalid_token`: a wrong Bearer token was sent.")
        }
    })
}

// ---------------------------------------------------------------------------------------
// Components.

fn components() -> Value {
    json!({
        "securitySchemes": {
            "cookieAuth": {
                "type": "apiKey",
                "in": "cookie",
                "name": "li_session",
                "description": "The session cookie set by `POST /api/auth/login`."
            },
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token `li_…` from `lead-importer token create`; shown once, stored hashed."
            }
        },
        "schemas": schemas()
    })
}

fn schemas() -> Value {
    // The wire types' schemas come from the types (`api::schema`); the few shapes below
    // are the REST layer's own (its error envelope, login, `/api/me`, an edit body).
    let mut s = api::schema::components();
    s.insert("Error".into(), json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string", "description": "Stable dotted code, e.g. `request.not_found`.", "examples": ["auth.unauthenticated"] },
                    "message": { "type": "string", "description": "For a human; may change." }
                }
            }
        }
    }));
    s.insert(
        "LoginRequest".into(),
        json!({
            "type": "object",
            "required": ["email", "password"],
            "properties": {
                "email": { "type": "string", "description": "Case and surrounding spaces do not matter." },
                "password": { "type": "string", "format": "password" }
            }
        }),
    );
    s.insert(
        "Me".into(),
        json!({
            "type": "object",
            "required": ["email", "display_name", "company", "role"],
            "properties": {
                "email": { "type": "string" },
                "display_name": { "type": "string" },
                "company": {
                    "type": "object",
                    "required": ["slug", "name"],
                    "properties": { "slug": { "type": "string" }, "name": { "type": "string" } }
                },
                "role": { "type": "string", "enum": ["admin", "member"] }
            }
        }),
    );
    s.insert(
        "ExplicitMapping".into(),
        json!({
            "type": "object",
            "description": "`{header: field}`: the file's header text → a field key of the company's configuration (e.g. `email`), or `null` (or `\"\"`) to ignore the column.",
            "additionalProperties": { "type": ["string", "null"] },
            "examples": [{ "E-Mail": "email", "Telefon": "phone", "Intern": null }]
        }),
    );
    s.insert(
        "RevertConflictError".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "total": { "type": "integer", "minimum": 0 },
                        "conflicts": { "type": "array", "items": schema_ref("RevertConflict") }
                    }
                }
            }
        }),
    );
    s.insert("RowEdits".into(), json!({
        "type": "object",
        "required": ["edits"],
        "properties": {
            "edits": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10000,
                "items": {
                    "type": "object",
                    "required": ["seq", "field", "value"],
                    "properties": {
                        "seq": { "type": "integer", "minimum": 0, "maximum": u32::MAX, "description": "The row's `seq`." },
                        "field": { "type": "string", "description": "A field key of the configuration." },
                        "value": { "type": ["string", "null"], "description": "The new value; null clears the cell." }
                    }
                }
            }
        }
    }));
    config::error_schemas(&mut s);
    Value::Object(s)
}
