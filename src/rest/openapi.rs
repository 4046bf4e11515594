//! The OpenAPI 3.1 document of the REST API, served at `GET /api/openapi.json`.
//!
//! Written by hand with `serde_json::json!` (no code generation): the shapes follow the
//! service types in `crates/imports/src/model.rs`, `mapping.rs`, `presets.rs` and the
//! issue in `crates/rules/src/issue.rs`. `tests/openapi.rs` fails when a route in
//! `src/rest/mod.rs` has no operation here, or an operation here has no route.

use axum::Json;
use serde_json::{json, Map, Value};

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
                "`Authorization: Bearer li_…` (tokens are made with `lead-importer token create`). ",
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
            "400": error("`request.invalid`: no `file` field, more than one, a field that is not UTF-8, or a bad `preset_id`, `mapping`, `header_row` or `delimiter`; `request.invalid_multipart`: the multipart body cannot be read."),
            "401": unauthenticated(),
            "403": cross_site_or(""),
            "404": error("`request.not_found`: the `preset_id` names no preset the caller can see."),
            "408": { "description": "The dry run took longer than the server's request timeout (REQUEST_TIMEOUT_SECS); no body." },
            "413": error("`file.too_large`: the upload is over MAX_UPLOAD_BYTES (or a sheet has more cells than allowed); `request.too_large`: a text field is over 1 MiB."),
            "415": error("`request.not_multipart`: the body is not multipart/form-data."),
            "422": error("The file cannot be used: `file.empty`, `file.unsupported_format`, `file.encrypted`, `file.corrupt`, `file.zip_bomb`, `file.too_many_rows`, `file.too_many_columns`, `file.encoding_unknown`, `file.sheet_not_found`, `options.invalid`; or the mapping cannot: `mapping.unknown_field`, `header.field_conflict`."),
            "500": internal()
        }
    })
}

fn history() -> Value {
    json!({
        "tags": ["imports"],
        "operationId": "listImports",
        "summary": "The company's imports, newest first",
        "parameters": [
            query_param("offset", "Imports to skip (negative counts as 0).", json!({ "type": "integer", "default": 0 })),
            query_param("limit", "Imports to return; the server clamps it to 1..=500.", json!({ "type": "integer", "default": 50 }))
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
            "400": { "description": "`offset` or `limit` is not an integer (a plain-text answer from the query decoder)." },
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
            query_param("offset", "Rows to skip (negative counts as 0).", json!({ "type": "integer", "default": 0 })),
            query_param("limit", "Rows to return: 1..=1000; 0 or less means 100.", json!({ "type": "integer", "default": 100, "maximum": 1000 })),
            query_param("status", "Only rows of this status.", json!({ "type": "string", "enum": ["valid", "warning", "error"] })),
            query_param("field", "Only rows with an issue on this field key, e.g. `email`.", json!({ "type": "string" })),
            query_param("code", "Only rows with an issue of this code, e.g. `cell.email_invalid`.", json!({ "type": "string" }))
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
        "requestBody": json_body(schema_ref("BulkAction")),
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
        "description": "Only its owner may replace a personal preset; only admins a company preset.",
        "requestBody": json_body(schema_ref("PresetInput")),
        "responses": responses
    })
}

fn delete_preset() -> Value {
    json!({
        "tags": ["presets"],
        "operationId": "deletePreset",
        "summary": "Delete a mapping preset",
        "description": "Only its owner may delete a personal preset; only admins a company preset.",
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

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn schemas() -> Value {
    let mut s = Map::new();
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
    s.insert("SheetSummary".into(), json!({
        "type": "object",
        "required": ["name", "visible", "index"],
        "properties": {
            "name": { "type": "string" },
            "visible": { "type": "boolean" },
            "index": { "type": "integer", "minimum": 0, "description": "0-based position in the workbook." }
        }
    }));
    s.insert("SheetChoice".into(), json!({
        "type": "object",
        "required": ["sheet", "index", "reason", "skipped", "ambiguous", "lead_sheets"],
        "properties": {
            "sheet": { "type": "string", "description": "The sheet read." },
            "index": { "type": "integer", "minimum": 0, "description": "Its 0-based position in the workbook." },
            "reason": { "type": "string", "description": "Why, for the user, e.g. “The first sheet “Read me” holds 2 lines of text; “Leads” has a header row matching 5 lead fields (…) and more than 49 rows below it.”" },
            "skipped": {
                "type": "array",
                "description": "Every other sheet, in workbook order, with why it was not read.",
                "items": {
                    "type": "object",
                    "required": ["name", "index", "reason"],
                    "properties": {
                        "name": { "type": "string" },
                        "index": { "type": "integer", "minimum": 0 },
                        "reason": { "type": "string", "description": "A phrase after the name: `is hidden`, `is empty`, `holds 2 lines of text`, `also looks like a lead list (…)`." }
                    }
                }
            },
            "ambiguous": { "type": "boolean", "description": "Two or more sheets look like lead lists: the best match was read, and the user should confirm it or pick another sheet (re-read with `sheet`)." },
            "lead_sheets": { "type": "array", "items": { "type": "string" }, "description": "The sheets that look like lead lists, in workbook order." }
        }
    }));
    s.insert("FileSummary".into(), json!({
        "type": "object",
        "required": ["name", "sha256", "size_bytes", "format", "encoding", "delimiter", "sheets", "sheet", "sheet_choice", "header_row", "total_rows"],
        "properties": {
            "name": { "type": "string", "description": "The uploaded file's name, without directories." },
            "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
            "size_bytes": { "type": "integer", "minimum": 0 },
            "format": { "type": "string", "description": "Detected from the content, e.g. `csv`, `xlsx`, `xls`, `ods`." },
            "encoding": { "type": ["string", "null"], "description": "Text files only." },
            "delimiter": { "type": ["string", "null"], "description": "Text files only." },
            "sheets": { "type": "array", "items": schema_ref("SheetSummary"), "description": "Worksheets of a workbook; empty for text files." },
            "sheet": { "type": ["string", "null"], "description": "The sheet that was read." },
            "sheet_choice": {
                "anyOf": [schema_ref("SheetChoice"), { "type": "null" }],
                "description": "How intake chose the sheet when none was asked for: every visible worksheet's first rows are scored (rows with data, a header row matching lead fields, rows within the header's width). `null` for text files and when the sheet was chosen by the caller."
            },
            "header_row": { "type": "integer", "minimum": 0, "description": "The header's row number as a spreadsheet shows it." },
            "total_rows": { "type": "integer", "minimum": 0, "description": "Records below the header." }
        }
    }));
    s.insert("ColumnMapping".into(), json!({
        "type": "object",
        "required": ["index", "header", "field", "confidence", "reason"],
        "properties": {
            "index": { "type": "integer", "minimum": 0, "description": "0-based column index." },
            "header": { "type": "string" },
            "field": { "type": ["string", "null"], "description": "The field key, or null when the column is ignored." },
            "confidence": { "type": "number", "minimum": 0, "maximum": 1 },
            "reason": { "type": "string", "description": "Why: `exact`, `label`, `synonym (de)`, `similar to …`, `preset “…”`, `chosen`, `no match`, `… is taken by …`." }
        }
    }));
    s.insert("MappingView".into(), json!({
        "type": "object",
        "required": ["preset_id", "preset_name", "columns"],
        "properties": {
            "preset_id": { "type": ["string", "null"], "format": "uuid", "description": "The preset that provided the mapping, if one did." },
            "preset_name": { "type": ["string", "null"] },
            "columns": { "type": "array", "items": schema_ref("ColumnMapping") }
        }
    }));
    s.insert("Stats".into(), json!({
        "type": "object",
        "required": ["total_rows", "valid_rows", "error_rows", "warning_rows", "duplicate_in_file", "duplicate_in_db", "empty_rows", "excluded_rows", "by_code", "date_columns"],
        "properties": {
            "total_rows": { "type": "integer", "minimum": 0 },
            "valid_rows": { "type": "integer", "minimum": 0 },
            "error_rows": { "type": "integer", "minimum": 0 },
            "warning_rows": { "type": "integer", "minimum": 0 },
            "duplicate_in_file": { "type": "integer", "minimum": 0 },
            "duplicate_in_db": { "type": "integer", "minimum": 0 },
            "empty_rows": { "type": "integer", "minimum": 0, "description": "Rows whose mapped cells are all empty (staged, never imported)." },
            "excluded_rows": { "type": "integer", "minimum": 0, "description": "Rows the user excluded from the import." },
            "by_code": { "type": "object", "additionalProperties": { "type": "integer", "minimum": 0 }, "description": "Every issue counted by code." },
            "date_columns": { "type": "array", "items": schema_ref("DateColumn"), "description": "What each date column's values say about day/month order (decided once per import)." }
        }
    }));
    s.insert("DateColumn".into(), json!({
        "type": "object",
        "required": ["field", "order", "day_first_rows", "month_first_rows", "ambiguous_rows", "ambiguous_count"],
        "properties": {
            "field": { "type": "string" },
            "order": { "type": "string", "enum": ["auto", "day_first", "month_first"], "description": "The order used: the configured one, else the one the values show, else `auto` (unresolved)." },
            "day_first_rows": { "type": "array", "items": { "type": "integer" }, "description": "Rows (up to 10) whose value can only be day-first." },
            "month_first_rows": { "type": "array", "items": { "type": "integer" }, "description": "Rows (up to 10) whose value can only be month-first." },
            "ambiguous_rows": { "type": "array", "items": { "type": "integer" }, "description": "Rows (up to 10) whose value reads both ways." },
            "ambiguous_count": { "type": "integer", "minimum": 0 }
        }
    }));
    s.insert("SuggestedFix".into(), json!({
        "type": "object",
        "required": ["label", "value"],
        "properties": {
            "label": { "type": "string", "description": "What the button says, e.g. `Use jane@gmail.com`." },
            "value": { "type": ["string", "null"], "description": "The new cell value; null clears the cell." }
        }
    }));
    s.insert("Issue".into(), json!({
        "type": "object",
        "description": "One problem or note about the file, the header, a row or a cell.",
        "required": ["row", "field", "code", "level", "value", "normalized", "message", "hint", "fix"],
        "properties": {
            "row": { "type": "integer", "minimum": 0, "description": "Source row number as a spreadsheet shows it; 0 for file and header issues." },
            "column": { "type": ["integer", "null"], "minimum": 1, "description": "1-based column; only on issues found while reading the file." },
            "field": { "type": ["string", "null"] },
            "code": { "type": "string", "description": "Stable code, e.g. `cell.email_invalid`, `row.duplicate_in_db`." },
            "level": { "type": "string", "enum": ["error", "warning", "info"] },
            "value": { "type": ["string", "null"], "description": "The original value." },
            "normalized": { "type": ["string", "null"], "description": "The value after transformation." },
            "message": { "type": "string" },
            "hint": { "type": ["string", "null"] },
            "fix": nullable(schema_ref("SuggestedFix"))
        }
    }));
    s.insert("RowView".into(), json!({
        "type": "object",
        "required": ["row", "seq", "status", "original", "normalized", "edits", "issues", "excluded"],
        "properties": {
            "row": { "type": "integer", "minimum": 0, "description": "The record's row number in the source, as a spreadsheet program shows it." },
            "seq": { "type": "integer", "minimum": 1, "description": "Position in the file's record sequence; the stable id for edits." },
            "status": { "type": "string", "enum": ["valid", "warning", "error"] },
            "original": { "type": "object", "additionalProperties": { "type": "string" }, "description": "The original cells by header (cells past the header as `Column N`)." },
            "normalized": { "type": "object", "additionalProperties": { "type": "string" }, "description": "The transformed values by field key." },
            "edits": { "type": "object", "additionalProperties": { "type": ["string", "null"] }, "description": "The user's edits by field key." },
            "issues": { "type": "array", "items": schema_ref("Issue") },
            "excluded": { "type": "boolean", "description": "Left out of the import by the user." }
        }
    }));
    s.insert(
        "Page".into(),
        json!({
            "type": "object",
            "required": ["offset", "limit", "total"],
            "properties": {
                "offset": { "type": "integer", "minimum": 0 },
                "limit": { "type": "integer", "minimum": 1 },
                "total": { "type": "integer", "minimum": 0, "description": "Rows matching the filters." }
            }
        }),
    );
    s.insert(
        "RowPage".into(),
        json!({
            "type": "object",
            "required": ["rows", "page"],
            "properties": {
                "rows": { "type": "array", "items": schema_ref("RowView") },
                "page": schema_ref("Page")
            }
        }),
    );
    s.insert("DryRunReport".into(), json!({
        "type": "object",
        "required": ["import_id", "status", "config_version", "file", "mapping", "stats", "errors", "warnings", "rows", "page", "duration_ms", "already_imported"],
        "properties": {
            "import_id": { "type": "string", "format": "uuid" },
            "status": { "type": "string", "enum": ["staged"] },
            "config_version": { "type": "integer", "description": "The company configuration version the rows were validated with." },
            "file": schema_ref("FileSummary"),
            "mapping": schema_ref("MappingView"),
            "stats": schema_ref("Stats"),
            "errors": { "type": "array", "items": schema_ref("Issue"), "description": "File- and header-level errors, then the first 1,000 row-level errors." },
            "warnings": { "type": "array", "items": schema_ref("Issue"), "description": "File- and header-level warnings, then the first 1,000 row-level warnings." },
            "rows": { "type": "array", "items": schema_ref("RowView"), "description": "The first page of staged rows (100)." },
            "page": schema_ref("Page"),
            "duration_ms": { "type": "integer", "minimum": 0 },
            "already_imported": nullable(schema_ref("EarlierImport"))
        }
    }));
    s.insert("ImportSummary".into(), json!({
        "type": "object",
        "required": ["id", "status", "source", "created_by", "created_at", "config_version", "file", "mapping", "stats", "file_issues", "mode", "duplicate_policy", "fill_empty_only", "progress", "result", "failure", "applied_by", "applied_at", "reverted_by", "reverted_at", "revert_result", "already_imported"],
        "properties": {
            "id": { "type": "string", "format": "uuid" },
            "status": { "type": "string", "enum": ["validating", "staged", "applying", "applied", "failed", "reverted"] },
            "source": { "type": "string", "description": "The source key given at upload (may be empty)." },
            "created_by": { "type": ["string", "null"], "description": "The uploader's email." },
            "created_at": { "type": "string", "format": "date-time" },
            "config_version": { "type": "integer" },
            "file": schema_ref("FileSummary"),
            "mapping": schema_ref("MappingView"),
            "stats": schema_ref("Stats"),
            "file_issues": { "type": "array", "items": schema_ref("Issue"), "description": "File- and header-level issues." },
            "mode": { "type": ["string", "null"], "enum": ["valid_only", "all", null], "description": "Once an apply was requested." },
            "duplicate_policy": { "type": ["string", "null"], "enum": ["skip", "update", "upsert", null] },
            "fill_empty_only": { "type": "boolean" },
            "progress": nullable(schema_ref("Progress")),
            "result": nullable(schema_ref("ApplyResult")),
            "failure": { "type": ["string", "null"], "description": "Why the last apply failed (nothing was written)." },
            "applied_by": { "type": ["string", "null"], "description": "Who asked for the apply (e-mail)." },
            "applied_at": { "type": ["string", "null"], "format": "date-time" },
            "reverted_by": { "type": ["string", "null"] },
            "reverted_at": { "type": ["string", "null"], "format": "date-time" },
            "revert_result": nullable(schema_ref("RevertResult")),
            "already_imported": nullable(schema_ref("EarlierImport"))
        }
    }));
    s.insert(
        "Progress".into(),
        json!({
            "type": "object",
            "required": ["done", "total"],
            "description": "Rows written of the rows the apply will write.",
            "properties": {
                "done": { "type": "integer", "minimum": 0 },
                "total": { "type": "integer", "minimum": 0 }
            }
        }),
    );
    s.insert("ApplyResult".into(), json!({
        "type": "object",
        "required": ["inserted", "updated", "skipped", "failed", "unchanged", "duplicates_in_file", "excluded", "duration_ms"],
        "description": "inserted + updated + skipped + failed = the file's rows.",
        "properties": {
            "inserted": { "type": "integer", "minimum": 0, "description": "New leads created." },
            "updated": { "type": "integer", "minimum": 0, "description": "Existing leads changed." },
            "skipped": { "type": "integer", "minimum": 0, "description": "Rows not written: duplicates the policy skipped, later occurrences in the file, unchanged leads, excluded and empty rows." },
            "failed": { "type": "integer", "minimum": 0, "description": "Rows left out for errors (in the error report)." },
            "unchanged": { "type": "integer", "minimum": 0 },
            "duplicates_in_file": { "type": "integer", "minimum": 0 },
            "excluded": { "type": "integer", "minimum": 0 },
            "duration_ms": { "type": "integer", "minimum": 0 }
        }
    }));
    s.insert("RevertResult".into(), json!({
        "type": "object",
        "required": ["removed", "restored", "kept", "missing"],
        "properties": {
            "removed": { "type": "integer", "minimum": 0, "description": "Created leads removed." },
            "restored": { "type": "integer", "minimum": 0, "description": "Updated leads restored." },
            "kept": { "type": "integer", "minimum": 0, "description": "Leads changed since the import, left as they are." },
            "missing": { "type": "integer", "minimum": 0, "description": "Leads deleted since the import." }
        }
    }));
    s.insert("EarlierImport".into(), json!({
        "type": "object",
        "required": ["import_id", "applied_at", "applied_by"],
        "description": "An earlier import applied the same file with the same mapping and configuration version.",
        "properties": {
            "import_id": { "type": "string", "format": "uuid" },
            "applied_at": { "type": "string", "format": "date-time" },
            "applied_by": { "type": ["string", "null"] }
        }
    }));
    s.insert("ApplyRequest".into(), json!({
        "type": "object",
        "properties": {
            "mode": { "type": "string", "enum": ["valid_only", "all"], "default": "valid_only" },
            "duplicate_policy": { "type": "string", "enum": ["skip", "update", "upsert"], "description": "Default: the configuration's policy." },
            "fill_empty_only": { "type": "boolean", "default": false }
        }
    }));
    s.insert("RevertRequest".into(), json!({
        "type": "object",
        "properties": {
            "on_conflict": { "type": "string", "enum": ["abort", "keep", "overwrite"], "default": "abort" }
        }
    }));
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
                        "conflicts": { "type": "array", "items": {
                            "type": "object",
                            "required": ["lead_id", "action", "email", "fields"],
                            "properties": {
                                "lead_id": { "type": "string", "format": "uuid" },
                                "action": { "type": "string", "enum": ["created", "updated"] },
                                "email": { "type": ["string", "null"] },
                                "fields": { "type": "array", "items": {
                                    "type": "object",
                                    "required": ["field", "imported", "current"],
                                    "properties": {
                                        "field": { "type": "string" },
                                        "imported": {},
                                        "current": {}
                                    }
                                } }
                            }
                        } }
                    }
                }
            }
        }),
    );
    s.insert("CorrectionResult".into(), json!({
        "type": "object",
        "required": ["rows_patched", "cells_changed", "rows_unknown", "stats"],
        "properties": {
            "rows_patched": { "type": "integer", "minimum": 0 },
            "cells_changed": { "type": "integer", "minimum": 0 },
            "rows_unknown": { "type": "integer", "minimum": 0, "description": "Lines whose Row id is not a row of this import." },
            "stats": schema_ref("Stats")
        }
    }));
    s.insert("RowEdits".into(), json!({
        "type": "object",
        "required": ["edits"],
        "properties": {
            "edits": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["seq", "field", "value"],
                    "properties": {
                        "seq": { "type": "integer", "minimum": 1, "description": "The row's `seq`." },
                        "field": { "type": "string", "description": "A field key of the configuration." },
                        "value": { "type": ["string", "null"], "description": "The new value; null clears the cell." }
                    }
                }
            }
        }
    }));
    s.insert("BulkAction".into(), json!({
        "type": "object",
        "required": ["action"],
        "properties": {
            "action": { "type": "string", "enum": ["clear_column", "set_default", "find_replace", "apply_fix", "exclude", "restore"] },
            "field": { "type": "string", "description": "The field the action works on (needed by all but `apply_fix`, `exclude` and `restore`)." },
            "value": { "type": "string", "description": "`set_default`: the value for empty cells." },
            "find": { "type": "string", "description": "`find_replace`: the text to find." },
            "replace": { "type": "string", "description": "`find_replace`: its replacement." },
            "code": { "type": "string", "description": "`apply_fix` (needed): the issue code whose suggested fixes to apply." },
            "seqs": { "type": "array", "items": { "type": "integer", "minimum": 1 }, "description": "Only these rows (by `seq`)." },
            "status": { "type": "string", "enum": ["valid", "warning", "error"], "description": "Without `seqs`: only rows of this status." }
        }
    }));
    s.insert("PresetInput".into(), json!({
        "type": "object",
        "required": ["name", "mapping"],
        "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": 200, "description": "Unique per owner (or per company for company presets); trimmed." },
            "source": { "type": "string", "default": "", "description": "The partner or system the files come from; presets are found again by it." },
            "scope": { "type": ["string", "null"], "enum": ["user", "company", null], "default": "user", "description": "`company` presets are for every member; only admins may save them." },
            "mapping": { "allOf": [schema_ref("ExplicitMapping")], "minProperties": 1 },
            "headers": { "type": ["array", "null"], "items": { "type": "string" }, "description": "The file's headers in order, to recognise the same layout later; without them the preset applies to every file of its source." }
        }
    }));
    s.insert("PresetView".into(), json!({
        "type": "object",
        "required": ["id", "name", "source", "scope", "fingerprint", "mapping", "usage_count", "last_used_at", "updated_at"],
        "properties": {
            "id": { "type": "string", "format": "uuid" },
            "name": { "type": "string" },
            "source": { "type": "string" },
            "scope": { "type": "string", "enum": ["user", "company"] },
            "fingerprint": { "type": "string", "description": "Of the header layout; empty when the preset applies to every file of its source." },
            "mapping": schema_ref("ExplicitMapping"),
            "usage_count": { "type": "integer", "minimum": 0 },
            "last_used_at": { "type": ["string", "null"], "format": "date-time" },
            "updated_at": { "type": "string", "format": "date-time" }
        }
    }));
    Value::Object(s)
}
