//! Sign-in and the embedded sandbox.

use pers_library::{SessionInfo, SignInRequest};
use tauri::State;

use crate::error::CommandError;
use crate::sandbox::SandboxDetails;
use crate::state::AppState;

/// Waits for the embedded sandbox and returns its URLs, project key and demo accounts.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn sandbox_info(state: State<'_, AppState>) -> Result<SandboxDetails, CommandError> {
    state.sandbox.details().await
}

/// Signs in and returns the new session. The password or provider token is passed to the core
/// once and never logged.
///
/// Fails with `BUSINESS_SELECTION_REQUIRED`, listing the businesses, when a staff account belongs
/// to several and `request.business_id` is not set.
#[tauri::command]
#[tracing::instrument(
    skip_all,
    fields(
        environment = %request.environment,
        kind = ?request.kind,
        provider_token = request.provider_token.is_some(),
        business = ?request.business_id,
    ),
    err
)]
pub async fn sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
) -> Result<SessionInfo, CommandError> {
    let session = state.library.sign_in(request).await?;
    tracing::info!(business = ?session.business_id, "signed in");
    Ok(session)
}

/// Forgets the current session.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn sign_out(state: State<'_, AppState>) {
    state.library.sign_out();
}

/// Returns the current session, or `null` when no user is signed in.
#[tauri::command]
pub fn session_info(state: State<'_, AppState>) -> Option<SessionInfo> {
    state.library.session_info()
}
