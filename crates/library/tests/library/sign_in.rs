//! Signing in: demo accounts, a business choice, a pasted provider token, bad credentials.

use pers_library::{ErrorCode, Library, LibraryConfig};
use pers_sandbox::SandboxConfig;

use crate::support::sign_in_request;

async fn sandbox_and_library() -> (pers_sandbox::Sandbox, Library, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = pers_sandbox::start(SandboxConfig::new(dir.path().join("sandbox")))
        .await
        .unwrap();
    let library = Library::open(LibraryConfig::new(dir.path().join("library"))).unwrap();
    (sandbox, library, dir)
}

#[tokio::test]
async fn staff_of_two_businesses_picks_one() {
    let (sandbox, library, _dir) = sandbox_and_library().await;
    let manager = sandbox
        .info()
        .accounts
        .iter()
        .find(|account| account.email.starts_with("manager@"))
        .expect("the sandbox seeds a staff member of two businesses")
        .clone();
    let mut request = sign_in_request(&sandbox, "business");
    request.email = manager.email.clone();
    request.password = manager.password.clone();

    let error = library.sign_in(request.clone()).await.unwrap_err();
    assert_eq!(
        error.code(),
        ErrorCode::BusinessSelectionRequired,
        "{error}"
    );
    let options = error
        .business_options()
        .expect("the error lists the businesses");
    assert_eq!(options.len(), 2, "{options:?}");

    request.business_id = Some(options[1].business_id.clone());
    let session = library.sign_in(request).await.unwrap();
    assert_eq!(
        session.business_id.as_deref(),
        Some(options[1].business_id.as_str())
    );
    assert!(
        session.business_name.is_some(),
        "the chosen business's name is read"
    );
}

#[tokio::test]
async fn pasted_provider_token_signs_in() {
    let (sandbox, library, _dir) = sandbox_and_library().await;
    let request = sign_in_request(&sandbox, "tenant");
    let http = reqwest::Client::new();
    let identity = pers_api::identity::sign_in_with_password(
        &http,
        &request.identity_url,
        &request.email,
        &request.password,
    )
    .await
    .unwrap();

    let pasted = pers_library::SignInRequest {
        provider_token: Some(identity.id_token.expose().to_owned()),
        email: String::new(),
        password: String::new(),
        identity_url: String::new(),
        ..request
    };
    let session = library.sign_in(pasted).await.unwrap();
    assert_eq!(
        session.email, "provider token",
        "no email was given, so none is shown"
    );
    assert!(library.session_info().is_some());
}

#[tokio::test]
async fn wrong_password_is_invalid_credentials() {
    let (sandbox, library, _dir) = sandbox_and_library().await;
    let mut request = sign_in_request(&sandbox, "tenant");
    request.password = "not-the-password".to_owned();
    let error = library.sign_in(request).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidCredentials, "{error}");
    assert!(
        !error.to_string().contains("not-the-password"),
        "the message never shows the password"
    );
    assert!(
        library.session_info().is_none(),
        "a failed sign-in leaves no session"
    );
}

#[tokio::test]
async fn forged_provider_token_is_rejected() {
    let (sandbox, library, _dir) = sandbox_and_library().await;
    let request = pers_library::SignInRequest {
        provider_token: Some("eyJhbGciOiJIUzI1NiJ9.e30.bad-signature".to_owned()),
        ..sign_in_request(&sandbox, "tenant")
    };
    let error = library.sign_in(request).await.unwrap_err();
    assert_ne!(error.code(), ErrorCode::Internal, "{error}");
    assert!(
        !error.to_string().contains("bad-signature"),
        "the token is not echoed: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_wakes_remembering_caller() {
    let (sandbox, library, _dir) = sandbox_and_library().await;
    // The access token has expired by the time of the listing, so the listing refreshes it.
    sandbox
        .faults()
        .set_token_lifetimes(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(3600),
        )
        .unwrap();
    let request = sign_in_request(&sandbox, "tenant");
    let project_key = request.project_key.clone();
    library.sign_in(request).await.unwrap();
    let mut remembered = library.remember_session(&project_key).unwrap();
    let mut updates = library.refresh_token_updates().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    library
        .list_entities(pers_library::EntityType::Campaign)
        .await
        .unwrap();

    tokio::time::timeout(std::time::Duration::from_secs(10), updates.changed())
        .await
        .expect("a refresh wakes the receiver")
        .unwrap();
    assert!(!updates.borrow_and_update().session_ended);
    let before = remembered.generation;
    assert!(
        library.update_remembered(&mut remembered),
        "the refresh is new"
    );
    assert_ne!(remembered.generation, before);
    assert!(
        !library.update_remembered(&mut remembered),
        "nothing newer since"
    );
}

/// A resume exchanges the saved refresh token, which the sandbox accepts only once, so the
/// remembered session must take the new one. Then a second restart resumes too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_twice_with_rotation() {
    let (sandbox, library, dir) = sandbox_and_library().await;
    let request = sign_in_request(&sandbox, "tenant");
    let project_key = request.project_key.clone();
    library.sign_in(request).await.unwrap();
    let mut remembered = library.remember_session(&project_key).unwrap();

    for restart in 1..=2 {
        let restarted = Library::open(LibraryConfig::new(
            dir.path().join(format!("restart-{restart}")),
        ))
        .unwrap();
        restarted
            .resume_session(&remembered)
            .await
            .unwrap_or_else(|error| panic!("restart {restart}: {error}"));
        assert!(
            restarted.update_remembered(&mut remembered),
            "restart {restart}: the resume's new refresh token is taken"
        );
    }
}
