//! What a running sandbox tells its clients: addresses, project key and demo accounts.

use serde::Serialize;

/// Addresses and public demo credentials of a running sandbox.
///
/// `Debug` and `Serialize` include the project key and the demo passwords: they are public demo
/// data that the binary prints on stdout. Keep them out of logs anyway.
#[derive(Serialize, Clone, Debug)]
pub struct SandboxInfo {
    /// Base URL of the PERS API, for example `http://127.0.0.1:41234/v2`.
    pub base_url: String,
    /// Value for the `x-project-key` header.
    pub project_key: String,
    /// Full URL of the identity provider's `accounts:signInWithPassword` endpoint.
    pub identity_url: String,
    /// Base URL of the S3 store that signed URLs point at, for example `http://127.0.0.1:41235`.
    pub storage_url: String,
    /// Demo accounts that can sign in.
    pub accounts: Vec<DemoAccount>,
    /// Base URL of the control endpoints, for example `http://127.0.0.1:41234/__sandbox`.
    pub control_url: String,
    /// Value for the `x-sandbox-control-token` header of the control endpoints, random per
    /// start. It only switches faults of this sandbox on and off.
    pub control_token: String,
}

/// A demo account with its fixed password.
#[derive(Serialize, Clone, Debug)]
pub struct DemoAccount {
    /// Sign-in email.
    pub email: String,
    /// Sign-in password (a fixed demo string).
    pub password: String,
    /// Session kind the account is meant for: `"tenant"` or `"business"`.
    pub kind: String,
    /// Human-readable description, for example `"Tenant admin (demo)"`.
    pub label: String,
}
