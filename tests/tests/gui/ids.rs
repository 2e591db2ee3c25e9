//! The `data-testid` values of the UI; they mirror `ui/src/lib/testids.ts`.

pub const SIGN_IN_SANDBOX_NOTICE: &str = "signin-sandbox-notice";
pub const SIGN_IN_DEMO_ACCOUNT: &str = "signin-demo-account";
pub const SIGN_IN_EMAIL: &str = "signin-email";
pub const SIGN_IN_SUBMIT: &str = "signin-submit";
pub const SIGN_IN_ERROR: &str = "signin-error";
pub const SESSION_USER: &str = "session-user";
pub const ENTITY_ITEM: &str = "entity-item";
pub const ENTITY_NAME: &str = "entity-name";
pub const DROP_ZONE: &str = "drop-zone";
pub const UPLOAD_ROW: &str = "upload-row";
pub const UPLOAD_ROW_ERROR: &str = "upload-row-error";
pub const UPLOAD_BATCH: &str = "upload-batch";
pub const UPLOAD_BATCH_PAUSE: &str = "upload-batch-pause";
pub const GALLERY_ITEM: &str = "gallery-item";
pub const PREVIEW_MODAL: &str = "preview-modal";
pub const PREVIEW_IMAGE: &str = "preview-image";
pub const PREVIEW_CLOSE: &str = "preview-close";

/// A CSS selector for a test id.
pub fn css(test_id: &str) -> String {
    format!("[data-testid=\"{test_id}\"]")
}
