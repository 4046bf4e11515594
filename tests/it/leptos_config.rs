//! Leptos.toml (runtime options) and Cargo.toml's [[workspace.metadata.leptos]] (build
//! options) must agree, or the server looks for assets where cargo-leptos did not put them.

#[test]
fn leptos_toml_agrees_with_the_build_settings_in_cargo_toml() {
    let root = env!("CARGO_MANIFEST_DIR");
    let runtime = leptos::config::get_configuration(Some(&format!("{root}/Leptos.toml")))
        .expect("Leptos.toml parses")
        .leptos_options;
    let cargo: toml::Value = std::fs::read_to_string(format!("{root}/Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let build = &cargo["workspace"]["metadata"]["leptos"][0];
    assert_eq!(
        build["output-name"].as_str().unwrap(),
        &*runtime.output_name
    );
    assert_eq!(build["site-root"].as_str().unwrap(), &*runtime.site_root);
    assert_eq!(
        build["site-pkg-dir"].as_str().unwrap(),
        &*runtime.site_pkg_dir
    );
    assert_eq!(
        build["site-addr"].as_str().unwrap(),
        runtime.site_addr.to_string()
    );
    assert_eq!(
        build["hash-files"].as_bool().unwrap_or(false),
        runtime.hash_files
    );
}
