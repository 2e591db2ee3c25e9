//! The client against the in-process sandbox: sign-in, listing and signed URLs.

use pers_api::StorageUrlRequest;
use pers_api::identity::sign_in_with_password;
use pers_api::{ApiClient, ApiError, AuthType, EntityType, Secret, Session, SignedUrlMethod};
use pers_sandbox::{DemoAccount, Sandbox, SandboxConfig};

pub struct Running {
    pub sandbox: Sandbox,
    pub client: ApiClient,
    pub http: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

pub async fn start() -> Running {
    start_with(|_| {}).await
}

/// Starts a sandbox whose configuration `adjust` changes first.
pub async fn start_with(adjust: impl FnOnce(&mut SandboxConfig)) -> Running {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = SandboxConfig::new(data_dir.path());
    adjust(&mut config);
    let sandbox = pers_sandbox::start(config).await.unwrap();
    let http = reqwest::Client::new();
    let info = sandbox.info();
    let client = ApiClient::new(
        http.clone(),
        &info.base_url,
        Secret::new(info.project_key.clone()),
    )
    .unwrap();
    Running {
        sandbox,
        client,
        http,
        _data_dir: data_dir,
    }
}

impl Running {
    /// Signs in as the first tenant admin.
    pub async fn tenant_session(&self) -> Session {
        let admin = &self.accounts("tenant")[0];
        let id_token = self.id_token(admin).await;
        let session = self
            .client
            .create_session(&id_token, AuthType::Tenant, None);
        session.await.unwrap()
    }

    /// Returns the requests the sandbox logged for `path`.
    pub fn requests_to(&self, path: &str) -> Vec<pers_sandbox::RequestRecord> {
        let requests = self.sandbox.faults().requests();
        requests
            .into_iter()
            .filter(|record| record.path == path)
            .collect()
    }

    pub fn accounts(&self, kind: &str) -> Vec<DemoAccount> {
        let accounts = self.sandbox.info().accounts.iter();
        accounts
            .filter(|account| account.kind == kind)
            .cloned()
            .collect()
    }

    pub async fn id_token(&self, account: &DemoAccount) -> Secret {
        let url = &self.sandbox.info().identity_url;
        let token = sign_in_with_password(&self.http, url, &account.email, &account.password);
        token.await.unwrap().id_token
    }

    /// Signs in as a business account, choosing the first business when several match.
    pub async fn business_session(&self, account: &DemoAccount) -> Session {
        let id_token = self.id_token(account).await;
        let first = self
            .client
            .create_session(&id_token, AuthType::Business, None)
            .await;
        match first {
            Ok(session) => session,
            Err(ApiError::MultipleContextSelectionRequired { options, .. }) => {
                let chosen = Some(options[0].business_id.as_str());
                self.client
                    .create_session(&id_token, AuthType::Business, chosen)
                    .await
                    .unwrap()
            }
            Err(error) => panic!("business sign-in failed: {error}"),
        }
    }
}

#[tokio::test]
async fn tenant_lists_and_signs() {
    let running = start().await;
    let admin = &running.accounts("tenant")[0];
    let id_token = running.id_token(admin).await;
    let session = running
        .client
        .create_session(&id_token, AuthType::Tenant, None)
        .await
        .unwrap();

    assert_eq!(session.auth_type(), AuthType::Tenant);
    assert!(session.access_token_expires_at().is_some());
    let campaigns = running.client.list_campaigns(&session).await.unwrap();
    assert!(
        campaigns.len() >= 2,
        "seeded campaigns: {}",
        campaigns.len()
    );
    assert!(
        campaigns
            .iter()
            .any(|campaign| campaign.is_active == Some(false)),
        "admin sees inactive"
    );
    let tokens = running.client.list_tokens(&session).await.unwrap();
    assert!(
        tokens.iter().any(|token| token.is_active == Some(false)),
        "admin sees inactive"
    );
    assert!(
        tokens
            .iter()
            .any(|token| token.summary().image_url.is_some())
    );

    let business_me = running.client.business_me(&session).await.unwrap_err();
    assert_eq!(
        business_me.status(),
        Some(403),
        "tenant sessions have no business: {business_me}"
    );

    let request = StorageUrlRequest {
        entity_type: EntityType::Campaign,
        entity_id: campaigns[0].id.clone(),
        method: SignedUrlMethod::Put,
        file_extension: "png".into(),
        file_name: Some("logo".into()),
    };
    let url = running
        .client
        .entity_storage_url(&session, &request)
        .await
        .unwrap();
    let storage = &running.sandbox.info().storage_url;
    assert!(
        url.expose().starts_with(storage.as_str()),
        "{url} is on {storage}"
    );
    assert!(url.to_string().ends_with("/logo.png"), "{url}");
    assert!(url.expose().contains("X-Amz-Signature="));
    assert!(!url.to_string().contains("X-Amz-Signature"));
}

#[tokio::test]
async fn business_lists_its_own() {
    let running = start().await;
    for account in running.accounts("business") {
        let session = running.business_session(&account).await;
        let business_id = session
            .business_id()
            .expect("business sessions carry businessId");

        let business = running.client.business_me(&session).await.unwrap();
        assert_eq!(business.id, business_id);
        assert!(!business.summary().display_name.is_empty());

        let campaigns = running.client.list_campaigns(&session).await.unwrap();
        assert!(!campaigns.is_empty(), "{} sees no campaign", account.email);
        for campaign in &campaigns {
            assert_eq!(campaign.business_id.as_deref(), Some(business_id.as_str()));
        }
        running.client.list_tokens(&session).await.unwrap();

        let request = StorageUrlRequest {
            entity_type: EntityType::Business,
            entity_id: business_id.clone(),
            method: SignedUrlMethod::Get,
            file_extension: "jpg".into(),
            file_name: Some("cover".into()),
        };
        running
            .client
            .entity_storage_url(&session, &request)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn multi_business_account_must_choose() {
    let running = start().await;
    let mut saw_choice = false;
    for account in running.accounts("business") {
        let id_token = running.id_token(&account).await;
        let result = running
            .client
            .create_session(&id_token, AuthType::Business, None)
            .await;
        let Err(ApiError::MultipleContextSelectionRequired { options, .. }) = result else {
            continue;
        };
        saw_choice = true;
        assert!(options.len() >= 2, "{options:?}");
        let chosen = &options[1].business_id;
        let session = running
            .client
            .create_session(&id_token, AuthType::Business, Some(chosen))
            .await
            .unwrap();
        assert_eq!(session.business_id().as_deref(), Some(chosen.as_str()));
    }
    assert!(saw_choice, "the sandbox seeds an account in two businesses");
}

#[tokio::test]
async fn sandbox_wrong_password_is_invalid_credentials() {
    let running = start().await;
    let admin = &running.accounts("tenant")[0];
    let url = &running.sandbox.info().identity_url;

    let error = sign_in_with_password(&running.http, url, &admin.email, "wrong")
        .await
        .unwrap_err();

    assert!(
        matches!(error, ApiError::InvalidCredentials),
        "got {error:?}"
    );
}

#[tokio::test]
async fn sandbox_unknown_entity_is_problem() {
    let running = start().await;
    let id_token = running.id_token(&running.accounts("tenant")[0]).await;
    let session = running
        .client
        .create_session(&id_token, AuthType::Tenant, None)
        .await
        .unwrap();
    let request = StorageUrlRequest {
        entity_type: EntityType::Campaign,
        entity_id: "no-such-campaign".into(),
        method: SignedUrlMethod::Put,
        file_extension: "png".into(),
        file_name: None,
    };

    let error = running
        .client
        .entity_storage_url(&session, &request)
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(404), "got {error}");
    assert!(
        matches!(
            error,
            ApiError::Problem {
                correlation_id: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
}
