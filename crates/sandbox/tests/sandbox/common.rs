//! Helpers shared by the test modules.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pers_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// Seed id of Harbour Roasters, the business of both staff accounts.
pub const HARBOUR_ID: &str = "deccfb5a-22d4-4699-95e5-645fd857c7cb";
/// Seed id of Northside Bakery, the second business of the manager account.
pub const NORTHSIDE_ID: &str = "12b6a014-0321-4586-a852-de8f1424d928";
/// Seed id of the demo tenant.
pub const TENANT_ID: &str = "902a3260-bc4b-46eb-a07a-b2c86625ba78";
/// Seed id of an active Harbour Roasters campaign.
pub const HARBOUR_CAMPAIGN_ID: &str = "99f65d77-a123-4b43-995a-eb452ef6a227";
/// Seed id of an active Northside Bakery campaign.
pub const NORTHSIDE_CAMPAIGN_ID: &str = "79e2c95c-a51f-43ae-8339-64472318fc25";
/// Seed id of a token.
pub const TOKEN_ID: &str = "20dfa3a8-497f-47fd-970c-74bac0df755a";
/// Seed id of a redemption.
pub const REDEMPTION_ID: &str = "907fb366-2efd-4876-bff5-837109f523e6";

/// Tenant admin account.
pub const ADMIN: &str = "admin@demo.pers.test";
/// Staff of Harbour Roasters only.
pub const BARISTA: &str = "barista@demo.pers.test";
/// Staff of both businesses.
pub const MANAGER: &str = "manager@demo.pers.test";

/// A sandbox with its data dir and an HTTP client.
pub struct TestSandbox {
    pub sandbox: Sandbox,
    pub dir: TempDir,
    pub http: reqwest::Client,
}

/// Starts a sandbox with default settings in a new temporary data dir.
pub async fn start() -> TestSandbox {
    start_with(|_| {}).await
}

/// Starts a sandbox in a new temporary data dir after `adjust` changes the configuration.
pub async fn start_with(adjust: impl FnOnce(&mut SandboxConfig)) -> TestSandbox {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SandboxConfig::new(dir.path());
    adjust(&mut config);
    let sandbox = pers_sandbox::start(config).await.unwrap();
    TestSandbox {
        sandbox,
        dir,
        http: reqwest::Client::new(),
    }
}

impl TestSandbox {
    pub fn info(&self) -> &SandboxInfo {
        self.sandbox.info()
    }

    /// Returns the demo password of `email`.
    pub fn password(&self, email: &str) -> String {
        let account = self
            .info()
            .accounts
            .iter()
            .find(|account| account.email == email);
        account.unwrap().password.clone()
    }

    /// Calls the identity provider with a raw JSON body.
    pub async fn identity(&self, body: Value) -> Response {
        self.http
            .post(&self.info().identity_url)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Signs in at the identity provider and returns the ID token.
    pub async fn id_token(&self, email: &str) -> String {
        let body =
            json!({ "email": email, "password": self.password(email), "returnSecureToken": true });
        let response = self.identity(body).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "sign-in of {email} must succeed"
        );
        let body: Value = response.json().await.unwrap();
        body["idToken"].as_str().unwrap().to_owned()
    }

    /// Exchanges an ID token at `/auth/token` and returns the raw response.
    pub async fn create_token(
        &self,
        email: &str,
        auth_type: &str,
        business_id: Option<&str>,
    ) -> Response {
        let mut body = json!({ "authToken": self.id_token(email).await, "authType": auth_type });
        if let Some(business_id) = business_id {
            body["context"] = json!({ "businessId": business_id });
        }
        self.post("/auth/token", None, &body).await
    }

    /// Signs in and returns `(accessToken, refreshToken)`.
    pub async fn session(
        &self,
        email: &str,
        auth_type: &str,
        business_id: Option<&str>,
    ) -> (String, String) {
        let response = self.create_token(email, auth_type, business_id).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "session for {email} must be created"
        );
        let body: Value = response.json().await.unwrap();
        (
            body["accessToken"].as_str().unwrap().to_owned(),
            body["refreshToken"].as_str().unwrap().to_owned(),
        )
    }

    /// Returns an access token for `email`.
    pub async fn access_token(
        &self,
        email: &str,
        auth_type: &str,
        business_id: Option<&str>,
    ) -> String {
        self.session(email, auth_type, business_id).await.0
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.info().base_url)
    }

    /// GET `/v2{path}` with the project key and an optional bearer token.
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        let mut request = self
            .http
            .get(self.url(path))
            .header("x-project-key", &self.info().project_key);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// POST `/v2{path}` with the project key, an optional bearer token and a JSON body.
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> Response {
        let mut request = self
            .http
            .post(self.url(path))
            .header("x-project-key", &self.info().project_key)
            .json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Requests a signed URL and returns the raw response.
    pub async fn storage_url_response(&self, bearer: &str, body: &Value) -> Response {
        self.post("/files/entity-storage-url", Some(bearer), body)
            .await
    }

    /// Requests a signed URL and returns it, asserting success.
    pub async fn signed_url(&self, bearer: &str, body: &Value) -> String {
        let response = self.storage_url_response(bearer, body).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "signing {body} must succeed"
        );
        let body: Value = response.json().await.unwrap();
        body["signedUrl"].as_str().unwrap().to_owned()
    }
}

/// Builds a storage URL request body.
pub fn storage_request(
    entity_type: &str,
    entity_id: &str,
    url_type: &str,
    extension: &str,
    file_name: &str,
) -> Value {
    json!({
        "entityType": entity_type,
        "entityId": entity_id,
        "signedUrlType": url_type,
        "fileExtension": extension,
        "fileName": file_name,
    })
}

/// Reads a problem body, asserting the status and the problem media type.
pub async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.unwrap()
}

/// Decodes the claims of a JWT without verifying it.
pub fn jwt_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Asserts that the store rejected a request, with 400 or 403 as S3-compatible stores differ.
pub fn assert_rejected(status: StatusCode, request: &str) {
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST,
        "{request} must be rejected with 400 or 403, got {status}"
    );
}
