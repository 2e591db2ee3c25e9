//! Starts the PERS Asset Manager desktop app.

// Without this a release build on Windows also opens a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    pers_asset_manager::run();
}
