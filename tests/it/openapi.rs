//! The OpenAPI document at `GET /api/openapi.json`: an OpenAPI 3.1 structure that documents
//! exactly the routes the router has (`rest::OPERATIONS`, the table the router is built
//! from, so a new route without documentation fails here), and whose schemas — derived
//! from the wire types — match what the endpoints answer (checked with a JSON Schema
//! 2020-12 validator).

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn fetch_document(app: &axum::Router) -> Value {
    let res = send(
        app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the document is public and served as JSON"
    );
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    body_json(res).await
}

// ---------------------------------------------------------------------------------------
// The document's structure.

fn documented_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths is an object") {
        for (key, _) in item.as_object().expect("a path item is an object") {
            if HTTP_METHODS.contains(&key.as_str()) {
                ops.insert((path.clone(), key.clone()));
            }
        }
    }
    ops
}

/// Every `$ref` in `value`, with where it was found.
fn refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push((at.to_owned(), v.as_str().unwrap_or_default().to_owned()));
                } else {
                    refs(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_document_is_openapi_3_1_and_documents_every_route(pool: PgPool) {
    let app = app(pool);
    let doc = fetch_document(&app).await;

    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "openapi is 3.1.x: {}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(doc["info"]["version"]
        .as_str()
        .is_some_and(|v| !v.is_empty()));
    assert!(doc["paths"].is_object());
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["cookieAuth"]["in"], "cookie");
    assert_eq!(schemes["cookieAuth"]["name"], "li_session");
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");

    let registered: BTreeSet<(String, String)> = lead_importer::rest::OPERATIONS
        .iter()
        .map(|(path, method)| ((*path).to_owned(), (*method).to_owned()))
        .collect();
    assert!(
        registered.contains(&("/api/me".to_owned(), "get".to_owned())),
        "the route table lists the routes: {registered:?}"
    );
    let documented = documented_operations(&doc);
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "routes of the router without an operation in src/rest/openapi.rs: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "operations in src/rest/openapi.rs without a route of the router: {phantom:?}"
    );

    let mut operation_ids = BTreeSet::new();
    for (path, method) in &documented {
        let item = &doc["paths"][path];
        let op = &item[method];
        let where_ = format!("{} {path}", method.to_uppercase());
        assert!(
            op["operationId"]
                .as_str()
                .is_some_and(|id| operation_ids.insert(id.to_owned())),
            "{where_}: a unique operationId"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{where_}: a summary"
        );
        let responses = op["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{where_}: responses"));
        assert!(!responses.is_empty(), "{where_}: at least one response");
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{where_}: a success response"
        );
        for (status, response) in responses {
            assert!(
                status.len() == 3 && status.parse::<u16>().is_ok_and(|s| (100..600).contains(&s)),
                "{where_}: status {status}"
            );
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{where_} {status}: a description"
            );
        }
        // Every `{name}` in the path is declared as a path parameter.
        let params: Vec<&Value> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(op["parameters"].as_array().into_iter().flatten())
            .collect();
        for name in path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        {
            assert!(
                params
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == name && p["required"] == true),
                "{where_}: path parameter {name} is declared"
            );
        }
        // Non-public operations document the 401.
        let public = op["security"].as_array().is_some_and(|s| s.is_empty());
        if !public {
            assert!(
                responses.contains_key("401"),
                "{where_}: needs a session or token, so it documents 401"
            );
        }
    }

    let mut found = Vec::new();
    refs(&doc, "#", &mut found);
    assert!(!found.is_empty());
    for (at, target) in found {
        let resolved = target.strip_prefix('#').and_then(|p| doc.pointer(p));
        assert!(resolved.is_some(), "{at}: $ref {target} resolves");
    }
}

// ---------------------------------------------------------------------------------------
// The schemas against real answers, with a JSON Schema 2020-12 validator. Documented
// objects list their members: for the check, every object schema that lists properties
// and says nothing about others gets `unevaluatedProperties: false`, so an answer with an
// undocumented member fails (the document would be behind the code).

fn closed(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !map.contains_key("unevaluatedProperties")
            {
                map.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(closed);
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// The problems of `v` against `schema`, whose references point into `doc`'s components.
fn check(doc: &Value, schema: &Value, v: &Value) -> Vec<String> {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": doc["components"],
    });
    closed(&mut root);
    let validator = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("the document's schema compiles: {e}"));
    validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_check_finds_a_wrong_type_a_missing_member_and_an_undocumented_one() {
    let doc = json!({ "components": { "schemas": { "P": {
        "type": "object",
        "required": ["n"],
        "properties": { "n": { "type": "integer", "minimum": 0 } }
    } } } });
    let p = json!({ "$ref": "#/components/schemas/P" });
    assert!(check(&doc, &p, &json!({ "n": 1 })).is_empty());
    assert!(!check(&doc, &p, &json!({ "n": "1" })).is_empty());
    assert!(!check(&doc, &p, &json!({ "n": -1 })).is_empty());
    assert!(!check(&doc, &p, &json!({})).is_empty());
    assert!(!check(&doc, &p, &json!({ "n": 1, "extra": true })).is_empty());
}

fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let s = &doc["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"];
    assert!(!s.is_null(), "{method} {path} documents a JSON {status}");
    s
}

#[track_caller]
fn assert_conforms(doc: &Value, path: &str, method: &str, status: u16, body: &Value) {
    let problems = check(doc, response_schema(doc, path, method, status), body);
    assert!(
        problems.is_empty(),
        "{} {path} → {status} does not match its documented schema:\n{}",
        method.to_uppercase(),
        problems.join("\n")
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn real_answers_match_the_documented_schemas(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let doc = fetch_document(&app).await;

    let res = send(&app, login_request(ADMIN_EMAIL, PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = session_cookie(&res).unwrap();
    assert_conforms(&doc, "/api/auth/login", "post", 200, &body_json(res).await);

    let me = body_json(send(&app, get_with_cookie("/api/me", &cookie)).await).await;
    assert_conforms(&doc, "/api/me", "get", 200, &me);

    let anonymous = send(&app, Request::get("/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_conforms(&doc, "/api/me", "get", 401, &body_json(anonymous).await);

    // A small messy file: an invalid e-mail, an in-file duplicate, a multi-line note, a
    // column nobody maps.
    let csv = "First Name,Last Name,E-Mail,Phone,Status,Notes,Internal\n\
               Ada,Lovelace,ada@example.com,+49 151 23456789,new,\"first line\nsecond line\",x\n\
               Bob,Builder,not-an-email,0151 2345678,contacted,,y\n\
               Ada,Lovelace,ADA@example.com,,new,again,z\n\
               Éva,Núñez,eva@example.fr,+33 1 23 45 67 89,nouveau,,\n";
    let res = upload(
        &app,
        &cookie,
        "leads.csv",
        csv.as_bytes(),
        &[("source", "partner-x")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    assert_conforms(&doc, "/api/imports/leads/validate", "post", 200, &report);
    assert!(report["errors"].as_array().is_some_and(|e| !e.is_empty()));
    let id = report["import_id"].as_str().unwrap().to_owned();

    // A workbook with a cover sheet and two lead sheets: `file.sheet_choice` filled in.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("Read me")
        .unwrap()
        .write_string(0, 0, "The leads are on the next sheets.")
        .unwrap();
    for name in ["Leads 2024", "Leads 2025"] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (c, h) in ["Email", "Phone", "Company"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "ada@example.com").unwrap();
        sheet.write_string(1, 1, "+49 151 23456789").unwrap();
        sheet.write_string(1, 2, "Acme").unwrap();
    }
    let res = upload(
        &app,
        &cookie,
        "two.xlsx",
        &book.save_to_buffer().unwrap(),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let workbook_report = body_json(res).await;
    assert_eq!(workbook_report["file"]["sheet_choice"]["ambiguous"], true);
    assert_conforms(
        &doc,
        "/api/imports/leads/validate",
        "post",
        200,
        &workbook_report,
    );

    let bad = upload(&app, &cookie, "empty.csv", b"", &[]).await;
    let status = bad.status().as_u16();
    assert_conforms(
        &doc,
        "/api/imports/leads/validate",
        "post",
        status,
        &body_json(bad).await,
    );

    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_conforms(&doc, "/api/imports/{id}", "get", 200, &summary);

    let missing = send(
        &app,
        get_with_cookie(&format!("/api/imports/{}", uuid::Uuid::new_v4()), &cookie),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_conforms(
        &doc,
        "/api/imports/{id}",
        "get",
        404,
        &body_json(missing).await,
    );

    let rows = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?status=error&limit=10"),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_conforms(&doc, "/api/imports/{id}/rows", "get", 200, &rows);
    let bad_filter = send(
        &app,
        get_with_cookie(&format!("/api/imports/{id}/rows?status=nope"), &cookie),
    )
    .await;
    assert_eq!(bad_filter.status(), StatusCode::BAD_REQUEST);
    assert_conforms(
        &doc,
        "/api/imports/{id}/rows",
        "get",
        400,
        &body_json(bad_filter).await,
    );

    // Edits, bulk actions and re-mapping.
    let edited = send(
        &app,
        json_request(
            "PATCH",
            &format!("/api/imports/{id}/rows"),
            &cookie,
            &json!({ "edits": [{ "seq": 2, "field": "email", "value": "bob@example.com" }] }),
        ),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/imports/{id}/rows",
        "patch",
        200,
        &body_json(edited).await,
    );
    let unknown_field = send(
        &app,
        json_request(
            "PATCH",
            &format!("/api/imports/{id}/rows"),
            &cookie,
            &json!({ "edits": [{ "seq": 2, "field": "shoe_size", "value": "44" }] }),
        ),
    )
    .await;
    assert_eq!(unknown_field.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms(
        &doc,
        "/api/imports/{id}/rows",
        "patch",
        422,
        &body_json(unknown_field).await,
    );
    for action in [
        json!({ "action": "exclude", "seqs": [3] }),
        json!({ "action": "set_default", "field": "status", "value": "new" }),
        json!({ "action": "find_replace", "field": "last_name", "find": "Builder", "replace": "Baumeister" }),
    ] {
        let res = send(
            &app,
            json_request("POST", &format!("/api/imports/{id}/bulk"), &cookie, &action),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{action}");
        assert_conforms(
            &doc,
            "/api/imports/{id}/bulk",
            "post",
            200,
            &body_json(res).await,
        );
    }
    let bad_action = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/bulk"),
            &cookie,
            &json!({ "action": "shred" }),
        ),
    )
    .await;
    assert_eq!(bad_action.status(), StatusCode::BAD_REQUEST);
    assert_conforms(
        &doc,
        "/api/imports/{id}/bulk",
        "post",
        400,
        &body_json(bad_action).await,
    );
    let remapped = send(
        &app,
        json_request(
            "PUT",
            &format!("/api/imports/{id}/mapping"),
            &cookie,
            &json!({ "mapping": { "First Name": "first_name", "Last Name": "last_name", "E-Mail": "email", "Phone": "phone", "Status": "status", "Notes": "notes", "Internal": null } }),
        ),
    )
    .await;
    assert_eq!(remapped.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/imports/{id}/mapping",
        "put",
        200,
        &body_json(remapped).await,
    );

    let history =
        body_json(send(&app, get_with_cookie("/api/imports?limit=5", &cookie)).await).await;
    assert_conforms(&doc, "/api/imports", "get", 200, &history);

    let preset_body = json!({
        "name": "Partner X",
        "source": "partner-x",
        "scope": "company",
        "mapping": { "E-Mail": "email", "Internal": null },
        "headers": ["First Name", "Last Name", "E-Mail", "Phone", "Status", "Notes", "Internal"]
    });
    let created = send(
        &app,
        json_request("POST", "/api/mapping-presets", &cookie, &preset_body),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created = body_json(created).await;
    assert_conforms(&doc, "/api/mapping-presets", "post", 201, &created);
    let again = send(
        &app,
        json_request("POST", "/api/mapping-presets", &cookie, &preset_body),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_conforms(
        &doc,
        "/api/mapping-presets",
        "post",
        409,
        &body_json(again).await,
    );

    let list = body_json(send(&app, get_with_cookie("/api/mapping-presets", &cookie)).await).await;
    assert_conforms(&doc, "/api/mapping-presets", "get", 200, &list);

    let preset_id = created["id"].as_str().unwrap();
    let updated = send(
        &app,
        json_request(
            "PUT",
            &format!("/api/mapping-presets/{preset_id}"),
            &cookie,
            &preset_body,
        ),
    )
    .await;
    assert_eq!(updated.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/mapping-presets/{id}",
        "put",
        200,
        &body_json(updated).await,
    );
    let deleted = send(
        &app,
        json_request(
            "DELETE",
            &format!("/api/mapping-presets/{preset_id}"),
            &cookie,
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(
        doc["paths"]["/api/mapping-presets/{id}"]["delete"]["responses"]["204"].is_object(),
        "DELETE documents its 204"
    );

    // The CSV report's shapes: both documented, an unknown one answers the documented 400.
    let shape = doc["paths"]["/api/imports/{id}/report.csv"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "shape" && p["in"] == "query")
        .cloned()
        .unwrap();
    assert_eq!(shape["schema"]["enum"], json!(["rows", "issues"]));
    for ok in ["", "?shape=rows", "?shape=issues"] {
        let res = send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/report.csv{ok}"), &cookie),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{ok}");
    }
    let bad_shape = send(
        &app,
        get_with_cookie(
            &format!("/api/imports/{id}/report.csv?shape=cells"),
            &cookie,
        ),
    )
    .await;
    assert_eq!(bad_shape.status(), StatusCode::BAD_REQUEST);
    assert_conforms(
        &doc,
        "/api/imports/{id}/report.csv",
        "get",
        400,
        &body_json(bad_shape).await,
    );

    // Apply and revert answer what they document.
    let applied = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/apply?wait=true"),
            &cookie,
            &json!({"duplicate_policy": "upsert"}),
        ),
    )
    .await;
    assert_eq!(applied.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/imports/{id}/apply",
        "post",
        200,
        &body_json(applied).await,
    );
    let conflict = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/apply"),
            &cookie,
            &json!({"mode": "wrong"}),
        ),
    )
    .await;
    assert_eq!(conflict.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms(
        &doc,
        "/api/imports/{id}/apply",
        "post",
        422,
        &body_json(conflict).await,
    );
    let reverted = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/revert"),
            &cookie,
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(reverted.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/imports/{id}/revert",
        "post",
        200,
        &body_json(reverted).await,
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_configuration_answers_match_the_documented_schemas(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let doc = fetch_document(&app).await;
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let csv = "Email,Company,Status\nada@example.com,,Warm\nbob@example.com,Acme,new\n";
    assert_eq!(
        upload(&app, &admin, "warm.csv", csv.as_bytes(), &[])
            .await
            .status(),
        StatusCode::OK
    );
    let get = |path: &str, cookie: &str| send(&app, get_with_cookie(path, cookie));
    let call = |method: &str, path: &str, body: Value| {
        send(&app, json_request(method, path, &admin, &body))
    };

    let active = body_json(get("/api/config", &admin).await).await;
    assert_conforms(&doc, "/api/config", "get", 200, &active);
    assert_conforms(
        &doc,
        "/api/config/schema",
        "get",
        200,
        &body_json(get("/api/config/schema", &admin).await).await,
    );
    assert_conforms(
        &doc,
        "/api/config/versions/{n}",
        "get",
        200,
        &body_json(get("/api/config/versions/1", &admin).await).await,
    );
    let missing = get("/api/config/versions/7", &admin).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_conforms(
        &doc,
        "/api/config/versions/{n}",
        "get",
        404,
        &body_json(missing).await,
    );

    let mut draft = active["config"].clone();
    let status = draft["fields"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["key"] == "status")
        .unwrap();
    status["constraints"]["allowed"][0]["aliases"]
        .as_array_mut()
        .unwrap()
        .push(json!("Warm"));
    draft["fields"][4]["requirement"] = json!("error");
    let mut bad = draft.clone();
    bad["fields"][4]["constraints"]["pattern"] = json!("([a-z");

    let checked =
        body_json(call("POST", "/api/config/check", json!({ "config": bad })).await).await;
    assert!(!checked["problems"].as_array().unwrap().is_empty());
    assert_conforms(&doc, "/api/config/check", "post", 200, &checked);
    let forbidden = send(
        &app,
        json_request(
            "POST",
            "/api/config/check",
            &member,
            &json!({ "config": draft }),
        ),
    )
    .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_conforms(
        &doc,
        "/api/config/check",
        "post",
        403,
        &body_json(forbidden).await,
    );

    let impact =
        body_json(call("POST", "/api/config/preview", json!({ "config": draft })).await).await;
    assert!(
        !impact["imports"][0]["samples"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{impact}"
    );
    assert_conforms(&doc, "/api/config/preview", "post", 200, &impact);

    let invalid = call(
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": bad }),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms(&doc, "/api/config", "put", 422, &body_json(invalid).await);
    let published = call(
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": draft, "comment": "c" }),
    )
    .await;
    assert_eq!(published.status(), StatusCode::OK);
    assert_conforms(&doc, "/api/config", "put", 200, &body_json(published).await);
    let stale = call(
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": draft }),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_conforms(&doc, "/api/config", "put", 409, &body_json(stale).await);

    assert_conforms(
        &doc,
        "/api/config/versions",
        "get",
        200,
        &body_json(get("/api/config/versions", &admin).await).await,
    );
    assert_conforms(
        &doc,
        "/api/config/diff",
        "get",
        200,
        &body_json(get("/api/config/diff?from=1&to=2", &admin).await).await,
    );
    let rolled = call("POST", "/api/config/rollback", json!({ "version": 1 })).await;
    assert_eq!(rolled.status(), StatusCode::OK);
    assert_conforms(
        &doc,
        "/api/config/rollback",
        "post",
        200,
        &body_json(rolled).await,
    );
    let audit = body_json(get("/api/audit?action=config.", &admin).await).await;
    assert_eq!(audit["page"]["total"], 2, "{audit}");
    assert_conforms(&doc, "/api/audit", "get", 200, &audit);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_accounts_and_proposal_answers_match_the_documented_schemas(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let doc = fetch_document(&app).await;
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let call = |method: &str, path: &str, cookie: &str, body: Value| {
        send(&app, json_request(method, path, cookie, &body))
    };
    let answer = |res: axum::response::Response| async move {
        let status = res.status().as_u16();
        (status, body_json(res).await)
    };

    let (status, users) = answer(call("GET", "/api/users", &admin, Value::Null).await).await;
    assert_conforms(&doc, "/api/users", "get", status, &users);
    let (status, added) = answer(
        call(
            "POST",
            "/api/users",
            &admin,
            json!({ "email": "eve@acme.example", "role": "member", "password": "long enough pw" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    assert_conforms(&doc, "/api/users", "post", status, &added);
    let eve = format!("/api/users/{}", added["id"].as_str().unwrap());
    let (status, patched) =
        answer(call("PATCH", &eve, &admin, json!({ "active": false })).await).await;
    assert_conforms(&doc, "/api/users/{id}", "patch", status, &patched);
    let ada = users["users"][0]["id"].as_str().unwrap();
    let (status, last) = answer(
        call(
            "PATCH",
            &format!("/api/users/{ada}"),
            &admin,
            json!({ "role": "member" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_conforms(&doc, "/api/users/{id}", "patch", status, &last);
    let (status, forbidden) = answer(call("DELETE", &eve, &member, Value::Null).await).await;
    assert_conforms(&doc, "/api/users/{id}", "delete", status, &forbidden);

    let (status, created) =
        answer(call("POST", "/api/tokens", &admin, json!({ "name": "sync" })).await).await;
    assert_conforms(&doc, "/api/tokens", "post", status, &created);
    let (status, tokens) = answer(call("GET", "/api/tokens", &admin, Value::Null).await).await;
    assert_conforms(&doc, "/api/tokens", "get", status, &tokens);
    let (status, missing) = answer(
        call(
            "DELETE",
            "/api/tokens/6f1c2a4e-8b9d-4c3e-9f00-1a2b3c4d5e6f",
            &admin,
            Value::Null,
        )
        .await,
    )
    .await;
    assert_conforms(&doc, "/api/tokens/{id}", "delete", status, &missing);

    let (status, proposed) = answer(
        call(
            "POST",
            "/api/alias-proposals",
            &member,
            json!({ "field": "status", "alias": "Warm", "value": "contacted" }),
        )
        .await,
    )
    .await;
    assert_conforms(&doc, "/api/alias-proposals", "post", status, &proposed);
    let (status, list) =
        answer(call("GET", "/api/alias-proposals", &member, Value::Null).await).await;
    assert_conforms(&doc, "/api/alias-proposals", "get", status, &list);
    let approve = format!(
        "/api/alias-proposals/{}/approve",
        proposed["id"].as_str().unwrap()
    );
    let (status, approved) = answer(call("POST", &approve, &admin, Value::Null).await).await;
    assert_eq!(status, 200, "{approved}");
    assert_conforms(
        &doc,
        "/api/alias-proposals/{id}/approve",
        "post",
        status,
        &approved,
    );
    let (status, gone) = answer(call("POST", &approve, &admin, Value::Null).await).await;
    assert_conforms(
        &doc,
        "/api/alias-proposals/{id}/approve",
        "post",
        status,
        &gone,
    );
}
