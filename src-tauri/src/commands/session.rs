//! Sign-in and the embedded sandbox.

use pers_library::{SessionInfo, SignInRequest};
use serde::Serialize;
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

/// The result of `sign_in`: the session's fields, plus `rememberError` when "remember me" was
/// set and the session could not be saved in the OS keychain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInOutcome {
    /// The new session.
    #[serde(flatten)]
    pub session: SessionInfo,
    /// The reason the session was not saved for the next start, when it was to be saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remember_error: Option<String>,
}

/// Signs in and returns the new session. The password or provider token is passed to the core
/// once and never logged.
///
/// With `remember` set, the session's refresh token and connection are saved in the OS keychain
/// for [`resume_session`] at the next start; a failure to save is returned as `rememberError`,
/// and the user stays signed in. Without it, any saved session is wiped. Fails with
/// `BUSINESS_SELECTION_REQUIRED`, listing the businesses, when a staff account belongs to
/// several and `request.business_id` is not set.
#[tauri::command]
#[tracing::instrument(
    skip_all,
    fields(
        environment = %request.environment,
        kind = ?request.kind,
        provider_token = request.provider_token.is_some(),
        business = ?request.business_id,
        remember,
    ),
    err
)]
pub async fn sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
    remember: Option<bool>,
) -> Result<SignInOutcome, CommandError> {
    let project_key = request.project_key.clone();
    let session = state.library.sign_in(request).await?;
    tracing::info!(business = ?session.business_id, "signed in");
    let remember_error = state
        .remember
        .after_sign_in(&state.library, &project_key, remember.unwrap_or(false))
        .await;
    Ok(SignInOutcome {
        session,
        remember_error,
    })
}

/// Forgets the current session and wipes the one saved in the OS keychain, if any.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.library.sign_out();
    state.remember.forget().await;
    Ok(())
}

/// Resumes the session saved by "remember me" and returns it, or `null` when none is saved or
/// no OS keychain is available. Returns the current session when there already is one.
///
/// Fails with the core's error, such as `NOT_SIGNED_IN` when the server rejected the saved token
/// or `NETWORK` when it could not be reached, or with `KEYCHAIN_FAILED`. The front end then
/// shows the sign-in screen with the message.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn resume_session(
    state: State<'_, AppState>,
) -> Result<Option<SessionInfo>, CommandError> {
    state.remember.resume(&state.library, &state.sandbox).await
}

/// Whether "remember me" can save a session on this computer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// True when the OS keychain can be opened.
    pub available: bool,
    /// The reason it cannot be opened, when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Tells whether the OS keychain that "remember me" saves the session in can be opened, so the
/// sign-in screen can turn the option off beforehand.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn keychain_status(state: State<'_, AppState>) -> Result<KeychainStatus, CommandError> {
    let reason = state.remember.unavailable_reason().await;
    Ok(KeychainStatus {
        available: reason.is_none(),
        reason,
    })
}

/// Returns the current session, or `null` when no user is signed in.
#[tauri::command]
pub fn session_info(state: State<'_, AppState>) -> Option<SessionInfo> {
    state.library.session_info()
}
