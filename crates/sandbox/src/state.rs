//! State shared by every request handler.

use std::sync::Arc;
use std::time::Duration;

use crate::keys::Keys;
use crate::model::World;
use crate::presign::Presigner;

/// Handle to the shared state, cloned into each handler.
pub(crate) type AppState = Arc<SharedState>;

/// Data, keys and settings of one running sandbox. Read-only after start.
pub(crate) struct SharedState {
    pub world: World,
    pub keys: Keys,
    pub token_signing_key: Vec<u8>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub presigner: Presigner,
}
