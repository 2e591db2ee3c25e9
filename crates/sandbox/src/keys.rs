//! Keys generated on first start and kept in `keys.json` (mode 0600) in the data dir.

use rand::RngCore;
use serde::{Deserialize, Serialize};

/// The sandbox's generated keys. `Debug` prints no values.
#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Keys {
    /// The tenant's project key: `pk_test_` and 64 hex digits.
    pub project_key: String,
    /// HMAC-SHA256 key for every JWT the sandbox issues, hex encoded.
    pub token_signing_key: String,
    /// Access key id of the S3 store.
    pub storage_access_key: String,
    /// Secret access key of the S3 store.
    pub storage_secret_key: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Keys { .. }")
    }
}

impl Keys {
    /// Generates a fresh set of random keys.
    pub fn generate() -> Self {
        Self {
            project_key: format!("pk_test_{}", random_hex(32)),
            token_signing_key: random_hex(32),
            storage_access_key: format!("SANDBOX{}", random_hex(8).to_uppercase()),
            storage_secret_key: random_hex(20),
        }
    }

    /// Returns the JWT signing key as bytes. A key that is not valid hex is used as text.
    pub fn token_signing_key_bytes(&self) -> Vec<u8> {
        hex::decode(&self.token_signing_key)
            .unwrap_or_else(|_| self.token_signing_key.as_bytes().to_vec())
    }
}

/// Returns `byte_count` random bytes as lowercase hex.
pub(crate) fn random_hex(byte_count: usize) -> String {
    let mut bytes = vec![0_u8; byte_count];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
