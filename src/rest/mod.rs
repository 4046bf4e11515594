//! The REST API for scripts and syncs. Handlers are thin: decode, check the caller, call
//! a service function, map the error to `{"error": {"code", "message"}}`.

mod aliases;
mod apply;
mod audit;
mod config;
mod drift;
mod error;
mod extract;
mod imports;
mod openapi;
mod presets;
mod session;
mod tokens;
mod upload;
mod users;

pub use error::json_errors;
pub use error::ApiError;
pub use extract::{Caller, Query};

use axum::extract::DefaultBodyLimit;
use axum::Router;

use web::server::AppState;

/// Builds the router and the list of its operations from one table, so the OpenAPI test
/// compares the document with the routes the server really has.
macro_rules! rest_routes {
    ($( $method:ident $path:literal => $handler:path $([$layer:expr])? ; )*) => {
        /// Every REST operation as `(path, method)`, in the router's order.
        pub const OPERATIONS: &[(&str, &str)] = &[ $( ($path, stringify!($method)), )* ];

        fn table() -> Router<AppState> {
            let mut router = Router::new();
            $(
                let route = axum::routing::$method($handler);
                $( let route = route.layer($layer); )?
                router = router.route($path, route);
            )*
            router
        }
    };
}

rest_routes! {
    post "/api/auth/login" => session::login;
    post "/api/auth/logout" => session::logout;
    get "/api/me" => session::me;
    // Uploads are counted against MAX_UPLOAD_BYTES while they stream in.
    post "/api/imports/leads/validate" => imports::validate [DefaultBodyLimit::disable()];
    get "/api/imports" => imports::history;
    get "/api/imports/{id}" => imports::summary;
    get "/api/imports/{id}/rows" => imports::rows;
    patch "/api/imports/{id}/rows" => imports::edit_rows;
    post "/api/imports/{id}/bulk" => imports::bulk;
    post "/api/imports/{id}/undo" => imports::undo;
    post "/api/imports/{id}/redo" => imports::redo;
    post "/api/imports/{id}/apply" => apply::apply;
    post "/api/imports/{id}/revert" => apply::revert;
    get "/api/imports/{id}/report.csv" => apply::report_csv;
    get "/api/imports/{id}/report.xlsx" => apply::report_xlsx;
    post "/api/imports/{id}/corrections" => apply::corrections [DefaultBodyLimit::disable()];
    put "/api/imports/{id}/mapping" => imports::remap;
    post "/api/imports/{id}/revalidate" => imports::revalidate;
    get "/api/mapping-presets" => presets::list;
    post "/api/mapping-presets" => presets::create;
    put "/api/mapping-presets/{id}" => presets::update;
    delete "/api/mapping-presets/{id}" => presets::delete;
    get "/api/config" => config::active;
    put "/api/config" => config::publish;
    get "/api/config/schema" => config::schema;
    get "/api/config/versions" => config::versions;
    get "/api/config/versions/{n}" => config::version;
    get "/api/config/diff" => config::diff;
    post "/api/config/check" => config::check;
    post "/api/config/preview" => config::preview;
    post "/api/config/rollback" => config::rollback;
    get "/api/audit" => audit::list;
    get "/api/admin/drift" => drift::last;
    get "/api/alias-proposals" => aliases::list;
    post "/api/alias-proposals" => aliases::propose;
    post "/api/alias-proposals/{id}/approve" => aliases::approve;
    post "/api/alias-proposals/{id}/reject" => aliases::reject;
    get "/api/users" => users::list;
    post "/api/users" => users::add;
    patch "/api/users/{id}" => users::update;
    delete "/api/users/{id}" => users::remove;
    get "/api/tokens" => tokens::list;
    post "/api/tokens" => tokens::create;
    delete "/api/tokens/{id}" => tokens::revoke;
    get "/api/openapi.json" => openapi::document;
}

/// Every REST route, with full paths under `/api`; any other `/api/…` path is a JSON 404.
pub fn routes() -> Router<AppState> {
    table().route("/api/{*rest}", axum::routing::any(error::not_found))
}
