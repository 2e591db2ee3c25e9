//! State shared by every request handler.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::SandboxError;
use crate::control::ControlState;
use crate::data_file::{FileMode, write_json};
use crate::keys::Keys;
use crate::model::World;
use crate::presign::Presigner;
use crate::refresh_rotation::UsedRefreshTokens;

/// Handle to the shared state, cloned into each handler.
pub(crate) type AppState = Arc<SharedState>;

/// Data, keys and settings of one running sandbox. The adjustable lifetimes live in `control`.
pub(crate) struct SharedState {
    /// The current data. Readers take a snapshot with [`SharedState::world`]; writers replace it
    /// whole with [`SharedState::update_world`].
    pub world: RwLock<Arc<World>>,
    /// `seed.json` in the data dir, rewritten after every update.
    pub world_path: PathBuf,
    pub keys: Keys,
    pub token_signing_key: Vec<u8>,
    pub presigner: Presigner,
    pub control: Arc<ControlState>,
    pub used_refresh_tokens: UsedRefreshTokens,
    /// Whether a refresh token can be exchanged only once.
    pub single_use_refresh_tokens: bool,
}

impl SharedState {
    /// Returns a snapshot of the data.
    pub fn world(&self) -> Arc<World> {
        self.world
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Applies `change` to a copy of the data, writes the copy to `seed.json` and makes it
    /// current. Returns the value of `change`; when `change` fails nothing is written.
    ///
    /// Writers are serialised by the write lock, so concurrent updates are never lost.
    pub fn update_world<T, E>(
        &self,
        change: impl FnOnce(&mut World) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<SandboxError>,
    {
        let mut current = self
            .world
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut updated = World::clone(&current);
        let value = change(&mut updated)?;
        write_json(&self.world_path, &updated, FileMode::Default)?;
        *current = Arc::new(updated);
        Ok(value)
    }
}
