//! The operations of `/api/config`: reading versions and diffs (members), checking,
//! previewing, publishing and rolling back (admins); and the audit log that records them.

use serde_json::{json, Map, Value};

use super::{
    cross_site_or, error, internal, json_body, json_content, ok, schema_ref, unauthenticated,
};

/// Adds the configuration paths.
pub(super) fn paths(p: &mut Map<String, Value>) {
    p.insert(
        "/api/config".into(),
        json!({ "get": active(), "put": publish() }),
    );
    p.insert("/api/config/schema".into(), json!({ "get": schema() }));
    p.insert("/api/config/versions".into(), json!({ "get": versions() }));
    p.insert(
        "/api/config/versions/{n}".into(),
        json!({
            "parameters": [{
                "name": "n", "in": "path", "required": true,
                "description": "The version number; anything else answers 404.",
                "schema": { "type": "string" }
            }],
            "get": version()
        }),
    );
    p.insert("/api/config/diff".into(), json!({ "get": diff() }));
    p.insert("/api/config/check".into(), json!({ "post": check() }));
    p.insert("/api/config/preview".into(), json!({ "post": preview() }));
    p.insert("/api/config/rollback".into(), json!({ "post": rollback() }));
    p.insert("/api/audit".into(), json!({ "get": audit() }));
    p.insert("/api/admin/drift".into(), json!({ "get": drift() }));
    p.insert(
        "/api/alias-proposals".into(),
        json!({ "get": list_proposals(), "post": propose() }),
    );
    for (path, op) in [
        ("/api/alias-proposals/{id}/approve", approve()),
        ("/api/alias-proposals/{id}/reject", reject()),
    ] {
        p.insert(
            path.into(),
            json!({
                "parameters": [{
                    "name": "id", "in": "path", "required": true,
                    "description": "The proposal's id; anything that is not a pending proposal of the caller's company answers 404.",
                    "schema": { "type": "string", "format": "uuid" }
                }],
                "post": op
            }),
        );
    }
}

fn list_proposals() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "listAliasProposals",
        "summary": "Alias proposals, pending first",
        "description": "Each pending proposal carries its evidence: how many staged rows still fail on the spelling, in how many imports. Every member may read them.",
        "responses": with_common_errors(json!({ "200": ok("The proposals.", schema_ref("AliasProposalList")) }))
    })
}

fn propose() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "proposeAlias",
        "summary": "Propose a spelling as an alias of an allowed value",
        "description": "Members and admins. The same pending proposal made again (spelling compared ignoring case) answers 200 with the first one. Audited as `alias.propose`.",
        "requestBody": json_body(schema_ref("NewAliasProposal")),
        "responses": with_common_errors(json!({
            "201": ok("The new proposal.", schema_ref("AliasProposal")),
            "200": ok("The pending proposal that says the same.", schema_ref("AliasProposal")),
            "400": error("`request.invalid_json`: the body is not the shape shown; `request.invalid`: not an enum field, not one of its allowed values, or an empty alias."),
            "403": error("`request.cross_site`: a browser sent this from another site."),
            "404": error("`request.not_found`: `import_id` is not an import of the caller's company."),
            "409": error("`alias.known`: the field accepts this spelling already.")
        }))
    })
}

fn decision_body() -> Value {
    json!({ "required": false, "content": json_content(schema_ref("ProposalDecision")) })
}

fn approve() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "approveAliasProposal",
        "summary": "Approve a proposal: publish the alias as a new version",
        "description": "Admins. Adds the alias to the active configuration and publishes it as version n+1 (audited as `config.publish` with the diff, and `alias.approve`), in one transaction with the decision. When the configuration accepts the spelling already, the proposal is approved without a new version (`config_version` absent).",
        "requestBody": decision_body(),
        "responses": with_common_errors(json!({
            "200": ok("The decided proposal; `config_version` is the version published.", schema_ref("AliasProposal")),
            "400": error("`request.invalid_json`: the body is not `{\"comment\"}`."),
            "403": admin_only(),
            "404": error("`request.not_found`: no pending proposal with that id."),
            "409": error("`alias.stale`: the value or field is gone, or the alias now means another value; `config.stale`: someone published at the same moment.")
        }))
    })
}

fn reject() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "rejectAliasProposal",
        "summary": "Reject a proposal",
        "description": "Admins; `comment` is the reason. Audited as `alias.reject`.",
        "requestBody": decision_body(),
        "responses": with_common_errors(json!({
            "200": ok("The decided proposal.", schema_ref("AliasProposal")),
            "400": error("`request.invalid_json`: the body is not `{\"comment\"}`; `request.invalid`: a reason over 1,000 characters."),
            "403": admin_only(),
            "404": error("`request.not_found`: no pending proposal with that id.")
        }))
    })
}

/// The error schemas only these operations answer.
pub(super) fn error_schemas(s: &mut Map<String, Value>) {
    let shape = |extra: Value| {
        let mut props = json!({ "code": { "type": "string" }, "message": { "type": "string" } });
        if let (Some(p), Value::Object(e)) = (props.as_object_mut(), extra) {
            p.extend(e);
        }
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": props } }
        })
    };
    s.insert(
        "ConfigStaleError".into(),
        shape(json!({
            "active_version": { "type": "integer", "format": "int32" },
            "changes": { "type": "array", "items": schema_ref("ConfigChange") }
        })),
    );
    s.insert(
        "ConfigInvalidError".into(),
        shape(json!({ "problems": { "type": "array", "items": schema_ref("ConfigProblem") } })),
    );
}

fn admin_only() -> Value {
    cross_site_or("`auth.forbidden`: only company admins may do this.")
}

/// Adds the 401 and 500 every configuration operation can answer.
fn with_common_errors(mut responses: Value) -> Value {
    responses["401"] = unauthenticated();
    responses["500"] = internal();
    responses
}

fn active() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "getConfig",
        "summary": "The active rules configuration",
        "description": "The version new dry runs use, with who published it and why. A company that never published one gets the default configuration, stored as version 1.",
        "responses": with_common_errors(json!({ "200": ok("The active version.", schema_ref("ConfigVersionView")) }))
    })
}

fn schema() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "getConfigSchema",
        "summary": "The JSON Schema of a configuration",
        "responses": with_common_errors(json!({ "200": ok("A JSON Schema (draft 2020-12).", json!({ "type": "object" })) }))
    })
}

fn versions() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "listConfigVersions",
        "summary": "Every configuration version, newest first",
        "responses": with_common_errors(json!({ "200": ok("The versions, without their content.", schema_ref("ConfigVersions")) }))
    })
}

fn version() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "getConfigVersion",
        "summary": "One configuration version",
        "responses": with_common_errors(json!({
            "200": ok("The version with its configuration.", schema_ref("ConfigVersionView")),
            "404": error("`request.not_found`: the company has no such version.")
        }))
    })
}

fn diff() -> Value {
    let param = |name: &str, what: &str| {
        json!({
            "name": name, "in": "query", "required": true, "description": what,
            "schema": { "type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX }
        })
    };
    json!({
        "tags": ["config"],
        "operationId": "diffConfigVersions",
        "summary": "What changed between two versions",
        "description": "Field by field, allowed value by allowed value, rule by rule, each change with a sentence and its values before and after.",
        "parameters": [param("from", "The older version."), param("to", "The newer version.")],
        "responses": with_common_errors(json!({
            "200": ok("The changes from `from` to `to`.", schema_ref("ConfigDiff")),
            "400": error("`request.invalid_query`: `from` or `to` is missing or not a number."),
            "404": error("`request.not_found`: the company has no such version.")
        }))
    })
}

fn check() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "checkConfig",
        "summary": "Check a draft configuration",
        "description": "Every problem with the draft, each with a JSON pointer into `config` and a sentence. Nothing is stored.",
        "requestBody": json_body(schema_ref("DraftRequest")),
        "responses": with_common_errors(json!({
            "200": ok("The problems; empty when the draft can be published.", schema_ref("CheckResult")),
            "400": error("`request.invalid_json`: the body is not `{\"config\": …}`."),
            "403": admin_only()
        }))
    })
}

fn preview() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "previewConfig",
        "summary": "What a draft would do to recent imports and existing leads",
        "description": "Replays the draft against the company's newest imports whose staged rows are still kept (at most 10 imports and 200,000 rows, newest first) and compares every row with how it was validated: rows that would newly fail, newly pass or change a normalized value, per field (`_row` for rules over several fields), with sample rows. Also lists values existing leads hold in the draft's enum fields that it no longer allows. Nothing is stored.",
        "requestBody": json_body(schema_ref("DraftRequest")),
        "responses": with_common_errors(json!({
            "200": ok("The impact report.", schema_ref("ImpactReport")),
            "400": error("`request.invalid_json`: the body is not `{\"config\": …}`."),
            "403": admin_only(),
            "422": error("`config.invalid`: the draft has problems (see `/api/config/check`).")
        }))
    })
}

fn publish_responses() -> Value {
    with_common_errors(json!({
        "200": ok("The new active version; the next dry run uses it.", schema_ref("ConfigVersionView")),
        "400": error("`request.invalid_json`: the body is not the request shown; `request.invalid`: a comment over 1,000 characters."),
        "403": admin_only(),
        "404": error("`request.not_found`: the version to roll back to does not exist."),
        "409": { "description": "`config.stale`: another version was published since `base_version`; the error object also has `active_version` and the `changes` it made.", "content": json_content(schema_ref("ConfigStaleError")) },
        "422": { "description": "`config.invalid`: the configuration has problems, listed in `problems`; nothing was stored.", "content": json_content(schema_ref("ConfigInvalidError")) }
    }))
}

fn publish() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "publishConfig",
        "summary": "Publish a configuration as the next version",
        "description": "Stores the draft as version n+1 and makes it active, when `base_version` is still the active version. Audited as `config.publish` with the diff.",
        "requestBody": json_body(schema_ref("PublishRequest")),
        "responses": publish_responses()
    })
}

fn rollback() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "rollbackConfig",
        "summary": "Publish an earlier version's content again",
        "description": "Makes a new version with version `version`'s configuration; history is never rewritten. Audited as `config.rollback` with the diff.",
        "requestBody": json_body(schema_ref("RollbackRequest")),
        "responses": publish_responses()
    })
}

fn drift() -> Value {
    json!({
        "tags": ["config"],
        "operationId": "getDrift",
        "summary": "The schema drift check's last report",
        "description": "Where the active configuration and the real `leads` table disagree: built-in fields without a column or with a type the apply cannot write (`column_missing`, `column_type`), columns no field knows (`column_unknown`), locked or duplicate-key fields that do not exist (`locked_field_missing`, `dedupe_field_missing`), custom keys that are also columns (`custom_key_collides`), enum values existing leads hold that the configuration no longer allows (`enum_value_orphaned`). Checked nightly, after every publish and by `lead-importer drift-check`; a company never checked is checked now. Admins only.",
        "responses": with_common_errors(json!({
            "200": ok("The report; `in_sync` when there are no findings.", schema_ref("DriftReport")),
            "403": error("`auth.forbidden`: only company admins read the drift report.")
        }))
    })
}

fn audit() -> Value {
    let param = |name: &str, what: &str, schema: Value| {
        json!({
            "name": name, "in": "query", "required": false, "description": what, "schema": schema
        })
    };
    json!({
        "tags": ["config"],
        "operationId": "listAudit",
        "summary": "The company's audit log, newest first",
        "description": "Configuration publishes and rollbacks (`config.publish`, `config.rollback`, with the diff), members added, changed and removed (`user.add`, `user.update`, `user.remove`), tokens created and revoked (`token.create`, `token.revoke`), applies, reverts and report downloads. Admins only.",
        "parameters": [
            param("action", "Entries whose action starts with this, e.g. `config.`.", json!({ "type": "string" })),
            param("actor", "The actor's e-mail.", json!({ "type": "string" })),
            param("entity", "The entity kind, e.g. `import_config`.", json!({ "type": "string" })),
            param("limit", "1–500; 50 when left out.", json!({ "type": "integer", "minimum": 1, "maximum": 500 })),
            param("offset", "0 or more.", json!({ "type": "integer", "minimum": 0 }))
        ],
        "responses": with_common_errors(json!({
            "200": ok("A page of entries.", schema_ref("AuditPage")),
            "400": error("`request.invalid_query`: a parameter is not a number; `request.invalid`: `limit` or `offset` out of range."),
            "403": error("`auth.forbidden`: only company admins read the audit log.")
        }))
    })
}
