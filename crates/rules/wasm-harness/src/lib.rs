//! Raw wasm exports (no wasm-bindgen) so node can run the rules crate: the host copies the
//! cases JSON in, calls `run`, and reads the result JSON back.

/// Allocates `len` bytes the host fills with input.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Runs the cases at `ptr..ptr+len`; returns (out_ptr << 32 | out_len). The output buffer
/// is leaked: the harness runs once per process.
#[no_mangle]
pub extern "C" fn run(ptr: *mut u8, len: usize) -> u64 {
    // SAFETY: `ptr` came from `alloc(len)` and the host wrote exactly `len` bytes.
    let input = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let out = rules::conformance::run_cases(&String::from_utf8_lossy(&input));
    let bytes = out.into_bytes().into_boxed_slice();
    let out_len = bytes.len() as u64;
    let out_ptr = Box::into_raw(bytes) as *mut u8 as usize as u64;
    (out_ptr << 32) | out_len
}

/// Validates one default-config row given as a JSON array of strings/nulls and returns the
/// outcome's JSON length — used to time one row in wasm.
#[no_mangle]
pub extern "C" fn bench_rows(n: u32) -> u32 {
    let Ok(v) = rules::Validator::new(&rules::conformance::test_config(Some("DE"))) else { return 0 };
    let mut total = 0u32;
    for i in 0..n {
        let email = format!("Lead.{i}@Example.COM");
        let phone = format!("030 {:07}", 1_000_000 + i);
        let row = [Some("  JANE "), Some("doe"), Some(email.as_str()), Some(phone.as_str()), Some("ACME  GmbH"), None, Some("Neu"), Some("Messe"), Some("Deutschland"), None];
        let out = v.validate_row(i + 2, &row);
        total = total.wrapping_add(out.issues.len() as u32);
    }
    total
}
