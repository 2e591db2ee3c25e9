//! State shared by every request handler.

use std::sync::Arc;

use crate::control::ControlState;
use crate::keys::Keys;
use crate::model::World;
use crate::presign::Presigner;

/// Handle to the shared state, cloned into each handler.
pub(crate) type AppState = Arc<SharedState>;

/// Data, keys and settings of one running sandbox. The adjustable lifetimes live in `control`.
pub(crate) struct SharedState {
    pub world: World,
    pub keys: Keys,
    pub token_signing_key: Vec<u8>,
    pub presigner: Presigner,
    pub control: Arc<ControlState>,
}
