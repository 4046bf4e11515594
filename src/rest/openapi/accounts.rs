//! The operations of `/api/users` and `/api/tokens`: the company's members and API tokens,
//! for admins.

use serde_json::{json, Map, Value};

use super::{cross_site_or, error, internal, json_body, ok, schema_ref, unauthenticated};

/// Adds the users and tokens paths.
pub(super) fn paths(p: &mut Map<String, Value>) {
    p.insert(
        "/api/users".into(),
        json!({ "get": list_users(), "post": add_user() }),
    );
    p.insert(
        "/api/users/{id}".into(),
        json!({
            "parameters": [id_param("user")],
            "patch": update_user(),
            "delete": remove_user(),
        }),
    );
    p.insert(
        "/api/tokens".into(),
        json!({ "get": list_tokens(), "post": create_token() }),
    );
    p.insert(
        "/api/tokens/{id}".into(),
        json!({ "parameters": [id_param("token")], "delete": revoke_token() }),
    );
}

fn id_param(what: &str) -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": format!("The {what}'s id. Anything that is not an id in the caller's company answers 404."),
        "schema": { "type": "string", "format": "uuid" }
    })
}

/// The 401, 403 and 500 every operation here can answer, plus its own.
fn responses(mut own: Value) -> Value {
    own["401"] = unauthenticated();
    own["403"] = cross_site_or("`auth.forbidden`: only company admins may do this.");
    own["500"] = internal();
    own
}

fn last_admin() -> Value {
    error("`user.last_admin`: the change would leave the company without an active admin.")
}

fn list_users() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "listUsers",
        "summary": "The company's members, admins first",
        "responses": responses(json!({ "200": ok("The members.", schema_ref("UserList")) }))
    })
}

fn add_user() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "addUser",
        "summary": "Add someone to the company",
        "description": "A new e-mail gets an account with the given password (8 characters or more); an account from another company keeps its password. Audited as `user.add`.",
        "requestBody": json_body(schema_ref("NewUser")),
        "responses": responses(json!({
            "201": ok("The member, as listed.", schema_ref("UserView")),
            "400": error("`request.invalid_json`: the body is not the shape shown."),
            "409": error("`request.conflict`: already a member of the company."),
            "422": error("`request.invalid`: the e-mail, name or password is refused; the message says why.")
        }))
    })
}

fn update_user() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "updateUser",
        "summary": "Change a member's role, or deactivate or activate them",
        "description": "Fields left out stay. Deactivating ends the member's sessions at once; their API tokens are refused until they are activated again. Audited as `user.update` with what changed.",
        "requestBody": json_body(schema_ref("UserPatch")),
        "responses": responses(json!({
            "200": ok("The member after the change.", schema_ref("UserView")),
            "400": error("`request.invalid_json`: the body is not `{\"role\"?, \"active\"?}`."),
            "404": error("`request.not_found`: no such member in the caller's company."),
            "409": last_admin()
        }))
    })
}

fn remove_user() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "removeUser",
        "summary": "Remove a member from the company",
        "description": "The membership goes, the member's sessions end and their tokens for this company are revoked; their account and their imports stay. Audited as `user.remove`.",
        "responses": responses(json!({
            "204": { "description": "Removed." },
            "404": error("`request.not_found`: no such member in the caller's company."),
            "409": last_admin()
        }))
    })
}

fn list_tokens() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "listTokens",
        "summary": "The company's API tokens that are not revoked, newest first",
        "responses": responses(json!({ "200": ok("The tokens, without their secrets.", schema_ref("TokenList")) }))
    })
}

fn create_token() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "createToken",
        "summary": "Create an API token acting as the caller",
        "description": "The answer carries the secret (`token`) this once; only its hash is stored. Audited as `token.create`.",
        "requestBody": json_body(schema_ref("NewToken")),
        "responses": responses(json!({
            "201": ok("The token and its secret.", schema_ref("CreatedToken")),
            "400": error("`request.invalid_json`: the body is not `{\"name\"}`."),
            "409": error("`request.conflict`: the company has a token of that name that is not revoked."),
            "422": error("`request.invalid`: the name is empty or longer than 100 characters.")
        }))
    })
}

fn revoke_token() -> Value {
    json!({
        "tags": ["accounts"],
        "operationId": "revokeToken",
        "summary": "Revoke an API token",
        "description": "The token is refused (401 `auth.invalid_token`) from the next request on. Audited as `token.revoke`.",
        "responses": responses(json!({
            "204": { "description": "Revoked." },
            "404": error("`request.not_found`: no token with that id in the caller's company, or it is revoked already.")
        }))
    })
}
