//! Generates the Tauri context and the permissions of the app's own commands.

/// Every command the shell registers. Each gets an `allow-<name>` permission (with dashes), which
/// `capabilities/default.json` must grant before the window may call it.
const COMMANDS: &[&str] = &[
    "sandbox_info",
    "sign_in",
    "sign_out",
    "session_info",
    "resume_session",
    "keychain_status",
    "list_entities",
    "gallery",
    "start_upload",
    "resume_jobs",
    "pause_job",
    "resume_job",
    "cancel_job",
    "cancel_file",
    "pick_files",
    "preview",
    "entity_image_support",
    "set_entity_image",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
