//! The rule engine shared by the browser (WASM) and the server.
