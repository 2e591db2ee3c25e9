//! The embedded sandbox: started in the background at launch, reported to the sign-in screen.

use std::path::PathBuf;
use std::sync::Mutex;

use pers_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use serde::Serialize;
use tokio::sync::watch;

use crate::error::CommandError;

/// How to reach the running sandbox, as the sign-in screen uses it.
///
/// It contains the sandbox's project key and demo passwords, which are public demo data, so
/// `Debug` is not derived to keep them out of logs anyway.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxDetails {
    base_url: String,
    identity_url: String,
    project_key: String,
    accounts: Vec<DemoAccountDetails>,
}

impl SandboxDetails {
    /// Returns the running sandbox's API base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Returns the running sandbox's project key.
    pub fn project_key(&self) -> &str {
        &self.project_key
    }
}

/// One demo account offered as a one-click fill.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct DemoAccountDetails {
    email: String,
    password: String,
    kind: String,
    label: String,
}

impl From<&SandboxInfo> for SandboxDetails {
    fn from(info: &SandboxInfo) -> Self {
        let accounts = info
            .accounts
            .iter()
            .map(|account| DemoAccountDetails {
                email: account.email.clone(),
                password: account.password.clone(),
                kind: account.kind.clone(),
                label: account.label.clone(),
            })
            .collect();
        SandboxDetails {
            base_url: info.base_url.clone(),
            identity_url: info.identity_url.clone(),
            project_key: info.project_key.clone(),
            accounts,
        }
    }
}

#[derive(Clone)]
enum SandboxStatus {
    Starting,
    Running(SandboxDetails),
    Failed(String),
}

/// The sandbox's state, shared by the start-up task and the `sandbox_info` command.
pub struct SandboxState {
    status: watch::Sender<SandboxStatus>,
    /// The running sandbox; dropping it stops its servers, so it lives as long as the app.
    running: Mutex<Option<Sandbox>>,
}

impl SandboxState {
    /// Creates the state in its starting status.
    pub fn new() -> Self {
        SandboxState {
            status: watch::Sender::new(SandboxStatus::Starting),
            running: Mutex::new(None),
        }
    }

    /// Starts the sandbox on a free loopback port with its data in `data_dir`, and records
    /// whether that worked. A failure is logged and reported by [`SandboxState::details`].
    pub async fn start(&self, data_dir: PathBuf) {
        tracing::info!(data_dir = %data_dir.display(), "starting the embedded sandbox");
        let mut config = SandboxConfig::new(data_dir);
        config.port = 0;

        match pers_sandbox::start(config).await {
            Ok(sandbox) => {
                let info = sandbox.info();
                tracing::info!(base_url = %info.base_url, "embedded sandbox running");
                self.status
                    .send_replace(SandboxStatus::Running(SandboxDetails::from(info)));
                *self
                    .running
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(sandbox);
            }
            Err(error) => {
                tracing::error!(%error, "the embedded sandbox failed to start");
                self.status
                    .send_replace(SandboxStatus::Failed(error.to_string()));
            }
        }
    }

    /// Waits until the sandbox has started, then returns its details.
    ///
    /// Fails with [`CommandError::SandboxUnavailable`] when it failed to start.
    pub async fn details(&self) -> Result<SandboxDetails, CommandError> {
        let mut receiver = self.status.subscribe();
        let status = receiver
            .wait_for(|status| !matches!(status, SandboxStatus::Starting))
            .await
            .map(|status| status.clone());

        match status {
            Ok(SandboxStatus::Running(details)) => Ok(details),
            Ok(SandboxStatus::Failed(reason)) => Err(CommandError::SandboxUnavailable { reason }),
            Ok(SandboxStatus::Starting) | Err(_) => Err(CommandError::SandboxUnavailable {
                reason: "it stopped".into(),
            }),
        }
    }
}
