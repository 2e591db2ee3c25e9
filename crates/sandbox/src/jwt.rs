//! HS256 JSON Web Tokens: the identity provider's ID tokens and the API's access and refresh
//! tokens are all signed with the sandbox's token signing key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Reason a token was rejected. Messages never contain the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JwtError {
    /// Not three base64url parts, a header other than HS256, or claims that do not parse.
    #[error("the token is malformed")]
    Malformed,
    /// The signature does not match the signing key.
    #[error("the token signature is invalid")]
    BadSignature,
    /// The `exp` claim is in the past.
    #[error("the token has expired")]
    Expired,
}

/// Claims every sandbox token carries, used to check expiry before the full claims are parsed.
#[derive(serde::Deserialize)]
struct Expiry {
    exp: u64,
}

/// Signs `claims` with `key` and returns the compact JWT.
pub(crate) fn encode<C: Serialize>(claims: &C, key: &[u8]) -> String {
    // Serialising the claim structs, which contain only strings, integers and options, cannot
    // fail.
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = URL_SAFE_NO_PAD.encode(mac(key, &signing_input).finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Verifies the signature and expiry of `token` at `now` (Unix seconds) and returns its claims.
pub(crate) fn decode<C: DeserializeOwned>(
    token: &str,
    key: &[u8],
    now: u64,
) -> Result<C, JwtError> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or(JwtError::Malformed)?;
    let (header, payload) = signing_input.split_once('.').ok_or(JwtError::Malformed)?;
    if payload.contains('.') {
        return Err(JwtError::Malformed);
    }

    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| JwtError::Malformed)?;
    let header: serde_json::Value =
        serde_json::from_slice(&header).map_err(|_| JwtError::Malformed)?;
    if header.get("alg").and_then(|alg| alg.as_str()) != Some("HS256") {
        return Err(JwtError::Malformed);
    }

    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed)?;
    mac(key, signing_input)
        .verify_slice(&signature)
        .map_err(|_| JwtError::BadSignature)?;

    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| JwtError::Malformed)?;
    let expiry: Expiry = serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)?;
    if expiry.exp <= now {
        return Err(JwtError::Expired);
    }
    serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)
}

fn mac(key: &[u8], signing_input: &str) -> HmacSha256 {
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC-SHA256 accepts keys of any length");
    mac.update(signing_input.as_bytes());
    mac
}

/// Returns the current time in Unix seconds.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[derive(Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    #[test]
    fn round_trip() {
        let claims = Claims {
            sub: "a".into(),
            exp: 100,
        };
        let token = encode(&claims, b"key");
        assert_eq!(decode::<Claims>(&token, b"key", 99).unwrap(), claims);
    }

    #[test]
    fn rejects_other_key() {
        let token = encode(
            &Claims {
                sub: "a".into(),
                exp: 100,
            },
            b"key",
        );
        assert_eq!(
            decode::<Claims>(&token, b"other", 99).unwrap_err(),
            JwtError::BadSignature
        );
    }

    #[test]
    fn rejects_expired() {
        let token = encode(
            &Claims {
                sub: "a".into(),
                exp: 100,
            },
            b"key",
        );
        assert_eq!(
            decode::<Claims>(&token, b"key", 100).unwrap_err(),
            JwtError::Expired
        );
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(
            decode::<Claims>("a.b", b"key", 0).unwrap_err(),
            JwtError::Malformed
        );
        assert_eq!(
            decode::<Claims>("a.b.c.d", b"key", 0).unwrap_err(),
            JwtError::Malformed
        );
    }
}
