//! End-to-end tests of the PERS Asset Manager; the tests live in `tests/`.
//!
//! The GUI test drives the real app binary in a real WebKitGTK webview through
//! tauri-driver and WebKitWebDriver, under an X display. It needs three things
//! the test command (`scripts/test.sh`) provides: the app built at
//! `PERS_E2E_APP`, tauri-driver at `PERS_E2E_TAURI_DRIVER`, and a display
//! (`xvfb-run`). Without them the test is ignored by a plain `cargo test`.
