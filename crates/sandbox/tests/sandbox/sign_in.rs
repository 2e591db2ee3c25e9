//! Identity provider, `/auth/token` and `/auth/refresh`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, ADMIN, BARISTA, HARBOUR_ID, MANAGER, NORTHSIDE_ID, TENANT_ID, problem};

#[tokio::test]
async fn identity_returns_firebase_shape() {
    let sandbox = common::start().await;
    let body =
        json!({ "email": ADMIN, "password": sandbox.password(ADMIN), "returnSecureToken": true });
    let response = sandbox.identity(body).await;
    assert_eq!(response.status(), StatusCode::OK);

    let body: Value = response.json().await.unwrap();
    assert_eq!(body["kind"], "identitytoolkit#VerifyPasswordResponse");
    assert_eq!(body["email"], ADMIN);
    assert_eq!(body["registered"], true);
    assert_eq!(body["expiresIn"], "3600");
    assert!(body["localId"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(body["displayName"].as_str().is_some());
    assert!(body["refreshToken"].as_str().is_some());
    assert_eq!(
        body["idToken"].as_str().unwrap().split('.').count(),
        3,
        "idToken must be a JWT"
    );
}

#[tokio::test]
async fn identity_rejects_bad_credentials() {
    let sandbox = common::start().await;
    let cases = [
        (
            json!({ "email": ADMIN, "password": "wrong" }),
            "INVALID_LOGIN_CREDENTIALS",
        ),
        (
            json!({ "email": "nobody@demo.pers.test", "password": "x" }),
            "INVALID_LOGIN_CREDENTIALS",
        ),
        (json!({ "password": "x" }), "MISSING_EMAIL"),
        (json!({ "email": ADMIN }), "MISSING_PASSWORD"),
    ];
    for (body, message) in cases {
        let response = sandbox.identity(body.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], 400, "{body}");
        assert_eq!(error["error"]["message"], message, "{body}");
        assert!(error["error"]["errors"].is_array(), "{body}");
    }
}

#[tokio::test]
async fn tenant_session_calls_api() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let claims = common::jwt_claims(&token);
    assert_eq!(claims["authType"], "tenant");
    assert_eq!(claims["tenantId"], TENANT_ID);
    assert_eq!(claims["role"], "TENANT_ADMIN");
    assert!(claims["sub"].is_string());
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    assert!(claims.get("businessId").is_none());

    let response = sandbox
        .get(&format!("/businesses/{NORTHSIDE_ID}"), Some(&token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn business_session_picks_single_membership() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(BARISTA, "business", None).await;

    let claims = common::jwt_claims(&token);
    assert_eq!(claims["authType"], "business");
    assert_eq!(claims["businessId"], HARBOUR_ID);
    assert_eq!(claims["role"], "EDITOR");

    let response = sandbox.get("/businesses/me", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let business: Value = response.json().await.unwrap();
    assert_eq!(business["id"], HARBOUR_ID);
}

#[tokio::test]
async fn multiple_businesses_need_context() {
    let sandbox = common::start().await;
    let response = sandbox.create_token(MANAGER, "business", None).await;
    let body = problem(response, StatusCode::CONFLICT).await;
    assert_eq!(body["code"], "MULTIPLE_CONTEXT_SELECTION_REQUIRED");

    let options = body["details"]["options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    let ids: Vec<&str> = options
        .iter()
        .map(|option| option["businessId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&HARBOUR_ID));
    assert!(ids.contains(&NORTHSIDE_ID));
    for option in options {
        assert!(
            option["displayName"]
                .as_str()
                .is_some_and(|name| !name.is_empty())
        );
        assert!(option["role"].as_str().is_some_and(|role| !role.is_empty()));
    }

    let token = sandbox
        .access_token(MANAGER, "business", Some(NORTHSIDE_ID))
        .await;
    let response = sandbox.get("/businesses/me", Some(&token)).await;
    let business: Value = response.json().await.unwrap();
    assert_eq!(business["id"], NORTHSIDE_ID);

    let harbour = sandbox
        .access_token(MANAGER, "business", Some(HARBOUR_ID))
        .await;
    assert_ne!(
        common::jwt_claims(&harbour)["role"],
        common::jwt_claims(&token)["role"],
        "the manager's role differs per business"
    );
}

#[tokio::test]
async fn non_member_business_is_forbidden() {
    let sandbox = common::start().await;
    let response = sandbox
        .create_token(BARISTA, "business", Some(NORTHSIDE_ID))
        .await;
    let body = problem(response, StatusCode::FORBIDDEN).await;
    assert_eq!(body["category"], "SECURITY");
}

#[tokio::test]
async fn staff_cannot_open_tenant_session() {
    let sandbox = common::start().await;
    let response = sandbox.create_token(BARISTA, "tenant", None).await;
    problem(response, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn invalid_auth_token_is_unauthorized() {
    let sandbox = common::start().await;
    let body = json!({ "authToken": "not-a-jwt", "authType": "tenant" });
    let response = sandbox.post("/auth/token", None, &body).await;
    problem(response, StatusCode::UNAUTHORIZED).await;

    // A PERS access token is not an identity token.
    let access = sandbox.access_token(ADMIN, "tenant", None).await;
    let body = json!({ "authToken": access, "authType": "tenant" });
    let response = sandbox.post("/auth/token", None, &body).await;
    problem(response, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn missing_auth_token_is_validation_error() {
    let sandbox = common::start().await;
    let response = sandbox
        .post("/auth/token", None, &json!({ "authType": "tenant" }))
        .await;
    let body = problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["category"], "VALIDATION");
    assert_eq!(body["target"], "authToken");
}

#[tokio::test]
async fn project_key_missing_or_wrong() {
    let sandbox = common::start().await;
    let body = json!({ "authToken": sandbox.id_token(ADMIN).await, "authType": "tenant" });
    let url = format!("{}/auth/token", sandbox.info().base_url);

    let response = sandbox.http.post(&url).json(&body).send().await.unwrap();
    let problem_body = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(problem_body["code"], "PROJECT_KEY_REQUIRED");

    let wrong_key = format!("pk_test_{}", "0".repeat(64));
    let response = sandbox
        .http
        .post(&url)
        .header("x-project-key", wrong_key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(
        status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
        "got {status}"
    );
}

#[tokio::test]
async fn refresh_returns_working_pair() {
    let sandbox = common::start().await;

    for send_access_token in [true, false] {
        // Each body gets its own session, because refresh tokens are single-use.
        let (access, refresh) = sandbox.session(BARISTA, "business", None).await;
        let mut body = json!({ "refreshToken": refresh });
        if send_access_token {
            body["accessToken"] = json!(access);
        }
        let response = sandbox.post("/auth/refresh", None, &body).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        let pair: Value = response.json().await.unwrap();
        let new_access = pair["accessToken"].as_str().unwrap();
        assert!(pair["refreshToken"].as_str().is_some());
        assert_ne!(new_access, access, "refresh must issue a new access token");
        assert_eq!(common::jwt_claims(new_access)["businessId"], HARBOUR_ID);

        let me = sandbox.get("/businesses/me", Some(new_access)).await;
        assert_eq!(me.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn bad_refresh_token_is_unauthorized() {
    let sandbox = common::start().await;
    let (access, refresh) = sandbox.session(ADMIN, "tenant", None).await;

    let mut tampered = refresh.clone();
    tampered.pop();
    tampered.push(if refresh.ends_with('A') { 'B' } else { 'A' });

    for token in ["garbage".to_owned(), tampered, access] {
        let response = sandbox
            .post("/auth/refresh", None, &json!({ "refreshToken": token }))
            .await;
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn expired_access_token_is_unauthorized() {
    let sandbox = common::start_with(|config| {
        config.access_token_ttl = std::time::Duration::from_secs(1);
    })
    .await;
    let (access, refresh) = sandbox.session(BARISTA, "business", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    let response = sandbox.get("/businesses/me", Some(&access)).await;
    let body = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body["code"], "TOKEN_EXPIRED");

    let response = sandbox
        .post("/auth/refresh", None, &json!({ "refreshToken": refresh }))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the refresh token outlives the access token"
    );
}

#[tokio::test]
async fn invalid_bearer_is_unauthorized() {
    let sandbox = common::start().await;
    let response = sandbox.get("/campaigns", Some("not-a-token")).await;
    problem(response, StatusCode::UNAUTHORIZED).await;
}
