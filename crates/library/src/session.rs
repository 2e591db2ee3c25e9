//! Signing in, and the state of a signed-in session.

use pers_api::{ApiClient, AuthType, Secret, Session, identity};
use pers_transfer::Transfer;
use sha2::{Digest, Sha256};

use crate::catalog::CatalogScope;
use crate::error::LibraryError;
use crate::storage::EntityStorage;
use crate::types::{EntityRef, SessionInfo, SignInRequest};

/// A signed-in session and what it was opened with.
pub(crate) struct SignedIn {
    pub api: ApiClient,
    pub session: Session,
    pub info: SessionInfo,
    /// Scopes the catalog to one environment and tenant.
    pub environment_key: String,
}

impl SignedIn {
    /// Returns the catalog scope of `entity` in this session's environment.
    pub fn scope(&self, entity: &EntityRef) -> CatalogScope {
        CatalogScope {
            environment: self.environment_key.clone(),
            entity_type: entity.entity_type.as_str().to_owned(),
            entity_id: entity.id.clone(),
        }
    }

    /// Returns the storage of `entity`, reached with this session.
    pub fn storage<'a>(
        &'a self,
        transfer: &'a Transfer,
        entity: &'a EntityRef,
    ) -> EntityStorage<'a> {
        EntityStorage {
            api: &self.api,
            session: &self.session,
            transfer,
            entity,
        }
    }
}

/// Signs in through the identity provider and exchanges its token at `POST /auth/token`.
pub(crate) async fn sign_in(
    http: &reqwest::Client,
    request: SignInRequest,
) -> Result<SignedIn, LibraryError> {
    let (auth_token, email) = auth_token_for(http, &request).await?;
    let project_key = Secret::new(request.project_key.clone());
    let api = ApiClient::new(http.clone(), &request.base_url, project_key)
        .map_err(|source| LibraryError::api("reading the API address", source))?;
    let session = api
        .create_session(&auth_token, request.kind, request.business_id.as_deref())
        .await
        .map_err(|source| LibraryError::api("opening a PERS session", source))?;

    let business_name = business_name(&api, &session, request.kind).await;
    let info = SessionInfo {
        environment: request.environment.clone(),
        base_url: api.base_url().to_string(),
        email,
        kind: request.kind,
        business_id: session.business_id(),
        business_name,
    };
    let environment_key = environment_key(&request);
    tracing::info!(environment = %request.environment, kind = ?request.kind, "signed in");
    Ok(SignedIn {
        api,
        session,
        info,
        environment_key,
    })
}

/// Returns the token to exchange at `POST /auth/token`, and the email to show for the session.
///
/// A pasted provider token is used as it is; otherwise the identity provider signs in with the
/// email and password.
async fn auth_token_for(
    http: &reqwest::Client,
    request: &SignInRequest,
) -> Result<(Secret, String), LibraryError> {
    if let Some(token) = request.provider_token.as_deref().map(str::trim) {
        if token.is_empty() {
            return Err(LibraryError::InvalidRequest(
                "the provider token is empty; paste the token your identity provider issued"
                    .to_owned(),
            ));
        }
        let email = if request.email.trim().is_empty() {
            "provider token".to_owned()
        } else {
            request.email.trim().to_owned()
        };
        return Ok((Secret::new(token.to_owned()), email));
    }
    let identity = identity::sign_in_with_password(
        http,
        &request.identity_url,
        &request.email,
        &request.password,
    )
    .await
    .map_err(|source| LibraryError::api(format!("signing in as {}", request.email), source))?;
    Ok((identity.id_token, identity.email))
}

/// Reads the display name of a staff session's business; `None` for admins or on failure.
async fn business_name(api: &ApiClient, session: &Session, kind: AuthType) -> Option<String> {
    if kind != AuthType::Business {
        return None;
    }
    match api.business_me(session).await {
        Ok(business) => Some(business.summary().display_name),
        Err(error) => {
            tracing::warn!(%error, "could not read the business of this session");
            None
        }
    }
}

/// A stable key for the environment and tenant, so the catalog of one never shows in another.
///
/// The sandbox's address changes with its port on every start, so the sandbox is keyed by name;
/// other environments by their base URL. The project key enters only as a hash.
fn environment_key(request: &SignInRequest) -> String {
    let place = if request.environment == "sandbox" {
        "sandbox".to_owned()
    } else {
        request.base_url.trim_end_matches('/').to_owned()
    };
    let tenant = hex::encode(Sha256::digest(request.project_key.as_bytes()));
    format!("{place}#{}", &tenant[..16])
}
