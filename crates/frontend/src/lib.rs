//! The wasm entry point: hydrates the server-rendered app in the browser.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the generated JS loader once the wasm module is ready.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(web::App);
}
