//! The shell's commands on Tauri's mock runtime, with the real capability file, library and
//! embedded sandbox behind them.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};

use pers_asset_manager::keychain::Keychain;
use pers_asset_manager::options::ShellOptions;
use pers_asset_manager::{MAIN_WINDOW, build_app_with, context};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

/// A running mock app over a data dir. A dir that the app made itself is removed when this is
/// dropped.
struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    data_dir: PathBuf,
    _own_dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// Starts an app over a new data dir, with a mock keychain of its own.
    fn start(scripted_pick: Option<Vec<PathBuf>>) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::mock("test").unwrap();
        let mut app = TestApp::start_in(data_dir.path(), keychain, scripted_pick);
        app._own_dir = Some(data_dir);
        app
    }

    /// Starts an app over `data_dir` with `keychain`, as a restart of the app would.
    fn start_in(
        data_dir: &Path,
        keychain: Keychain,
        scripted_pick: Option<Vec<PathBuf>>,
    ) -> TestApp {
        let options = ShellOptions {
            data_dir: Some(data_dir.to_path_buf()),
            scripted_pick,
            keychain: Some(keychain),
            ..ShellOptions::default()
        };
        let mut app = build_app_with(mock_builder(), options)
            .build(context())
            .unwrap();
        // The setup hook (state, sandbox, window) runs on the event loop's first iteration.
        // `run_iteration` is deprecated because a loop of it busy-waits; one call does not.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let window = app.get_webview_window(MAIN_WINDOW).unwrap();
        TestApp {
            _app: app,
            window,
            data_dir: data_dir.to_path_buf(),
            _own_dir: None,
        }
    }

    /// Invokes `command` as the window's front end would, returning the value or the error.
    fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        // Linux webviews load the app from tauri://localhost; the capability is checked
        // against this origin.
        self.invoke_from("tauri://localhost", command, args)
    }

    fn invoke_from(&self, origin: &str, command: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    fn sign_in_as_staff(&self) -> Value {
        let request = self.staff_request(|account| account["kind"] == "business");
        self.invoke("sign_in", json!({ "request": request }))
            .unwrap()
    }

    fn sign_in_as_admin(&self) -> Value {
        let request = self.admin_request();
        self.invoke("sign_in", json!({ "request": request }))
            .unwrap()
    }

    fn admin_request(&self) -> Value {
        let sandbox = self.invoke("sandbox_info", json!({})).unwrap();
        let account = sandbox["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|account| account["kind"] == "tenant")
            .unwrap()
            .clone();
        json!({
            "environment": "sandbox",
            "baseUrl": sandbox["baseUrl"],
            "identityUrl": sandbox["identityUrl"],
            "projectKey": sandbox["projectKey"],
            "email": account["email"],
            "password": account["password"],
            "kind": "tenant",
        })
    }

    /// Returns a sign-in request for the first business demo account that `pick` accepts.
    fn staff_request(&self, pick: impl Fn(&Value) -> bool) -> Value {
        let sandbox = self.invoke("sandbox_info", json!({})).unwrap();
        let account = sandbox["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|account| account["kind"] == "business" && pick(account))
            .unwrap()
            .clone();
        json!({
            "environment": "sandbox",
            "baseUrl": sandbox["baseUrl"],
            "identityUrl": sandbox["identityUrl"],
            "projectKey": sandbox["projectKey"],
            "email": account["email"],
            "password": account["password"],
            "kind": "business",
        })
    }
}

#[test]
fn sandbox_info_returns_camel_case_details() {
    let app = TestApp::start(None);

    let info = app.invoke("sandbox_info", json!({})).unwrap();

    let base_url = info["baseUrl"].as_str().unwrap();
    assert!(
        base_url.starts_with("http://127.0.0.1:"),
        "the sandbox is on loopback: {base_url}"
    );
    assert!(
        info["identityUrl"]
            .as_str()
            .unwrap()
            .ends_with("accounts:signInWithPassword")
    );
    assert!(info["projectKey"].as_str().unwrap().starts_with("pk_test_"));
    let accounts = info["accounts"].as_array().unwrap();
    assert!(!accounts.is_empty(), "demo accounts are offered");
    assert!(
        accounts[0]["label"].is_string(),
        "each account has a label: {}",
        accounts[0]
    );
}

#[test]
fn gallery_before_sign_in_is_not_signed_in() {
    let app = TestApp::start(None);

    let error = app
        .invoke(
            "gallery",
            json!({ "entity": { "entityType": "campaign", "id": "c1" } }),
        )
        .unwrap_err();

    assert_eq!(error["code"], "NOT_SIGNED_IN");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("sign in"),
        "{error}"
    );
}

#[test]
fn session_lifecycle_over_commands() {
    let app = TestApp::start(None);
    assert_eq!(app.invoke("session_info", json!({})).unwrap(), Value::Null);

    let session = app.sign_in_as_staff();
    assert_eq!(session["environment"], "sandbox");
    assert_eq!(session["kind"], "business");
    assert!(
        session["businessId"].is_string(),
        "a staff session acts for a business"
    );
    assert_eq!(app.invoke("session_info", json!({})).unwrap(), session);

    let campaigns = app
        .invoke("list_entities", json!({ "entityType": "campaign" }))
        .unwrap();
    let first = &campaigns.as_array().unwrap()[0];
    assert_eq!(first["entityType"], "campaign");
    assert!(first["displayName"].is_string());

    let gallery = app
        .invoke(
            "gallery",
            json!({ "entity": { "entityType": "campaign", "id": first["id"] } }),
        )
        .unwrap();
    assert!(gallery["items"].is_array(), "{gallery}");

    app.invoke("sign_out", json!({})).unwrap();
    assert_eq!(app.invoke("session_info", json!({})).unwrap(), Value::Null);
}

#[test]
fn admin_lists_every_entity_type() {
    let app = TestApp::start(None);
    app.sign_in_as_admin();

    for entity_type in [
        "campaign",
        "token",
        "redemption",
        "business",
        "tenant",
        "user",
    ] {
        let listed = app
            .invoke("list_entities", json!({ "entityType": entity_type }))
            .unwrap();

        let items = listed.as_array().unwrap();
        assert!(
            !items.is_empty(),
            "the sandbox seeds {entity_type}: {listed}"
        );
        assert_eq!(items[0]["entityType"], entity_type);
        assert!(items[0]["displayName"].is_string(), "{listed}");
    }
}

#[test]
fn staff_listing_users_is_rejected() {
    let app = TestApp::start(None);
    app.sign_in_as_staff();

    let error = app
        .invoke("list_entities", json!({ "entityType": "user" }))
        .unwrap_err();

    assert_eq!(error["code"], "REJECTED", "{error}");
}

/// A 1×1 RGBA PNG.
const TINY_PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50,
    0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Uploads a tiny PNG to `entity` and returns its gallery item once the gallery lists it.
fn upload_and_wait(app: &TestApp, entity: &Value) -> Value {
    let path = app.data_dir.join("logo.png");
    std::fs::write(&path, TINY_PNG).unwrap();
    app.invoke(
        "start_upload",
        json!({ "entity": entity, "paths": [path], "onEvent": "__CHANNEL__:7" }),
    )
    .unwrap();
    // The job reports over the channel, which this test cannot read, so the gallery is read
    // until the file is listed: at most 100 reads, 100 ms apart.
    for _ in 0..100 {
        let gallery = app.invoke("gallery", json!({ "entity": entity })).unwrap();
        if let Some(item) = gallery["items"].as_array().unwrap().first() {
            return item.clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the upload to {entity} did not reach the gallery");
}

#[test]
fn set_entity_image_updates_redemption() {
    let app = TestApp::start(None);
    app.sign_in_as_admin();
    let redemptions = app
        .invoke("list_entities", json!({ "entityType": "redemption" }))
        .unwrap();
    let entity = json!({ "entityType": "redemption", "id": redemptions[0]["id"] });
    let item = upload_and_wait(&app, &entity);

    let updated = app
        .invoke(
            "set_entity_image",
            json!({ "entity": entity, "fileName": item["fileName"] }),
        )
        .unwrap();

    assert_eq!(updated["id"], entity["id"]);
    let image_url = updated["imageUrl"].as_str().unwrap();
    assert!(
        image_url.ends_with(item["fileName"].as_str().unwrap()),
        "{image_url}"
    );
    assert!(!image_url.contains('?'), "{image_url}");
}

#[test]
fn set_campaign_image_is_invalid_input() {
    let app = TestApp::start(None);
    app.sign_in_as_admin();

    let error = app
        .invoke(
            "set_entity_image",
            json!({ "entity": { "entityType": "campaign", "id": "c1" }, "fileName": "a.png" }),
        )
        .unwrap_err();

    assert_eq!(error["code"], "INVALID_INPUT", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("campaign"),
        "{error}"
    );
}

#[test]
fn entity_image_support_gives_reasons() {
    let app = TestApp::start(None);

    let tenant = app
        .invoke("entity_image_support", json!({ "entityType": "tenant" }))
        .unwrap();
    let user = app
        .invoke("entity_image_support", json!({ "entityType": "user" }))
        .unwrap();

    assert_eq!(
        tenant,
        json!({ "entityType": "tenant", "available": true, "reason": null })
    );
    assert_eq!(user["available"], false);
    assert!(
        user["reason"].as_str().unwrap().contains("no image field"),
        "{user}"
    );
}

#[test]
fn remembered_session_resumes_after_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::mock("session").unwrap();
    let first = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    let request = first.admin_request();
    let signed_in = first
        .invoke("sign_in", json!({ "request": request, "remember": true }))
        .unwrap();
    assert!(signed_in.get("rememberError").is_none(), "{signed_in}");
    let saved = keychain.load().unwrap().unwrap();
    assert!(
        saved.expose().contains("refreshToken"),
        "the keychain has the session"
    );
    drop(first);

    let next = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    let resumed = next.invoke("resume_session", json!({})).unwrap();

    assert_eq!(resumed["email"], signed_in["email"]);
    assert_eq!(resumed["kind"], "tenant");
    let sandbox = next.invoke("sandbox_info", json!({})).unwrap();
    assert_eq!(
        resumed["baseUrl"], sandbox["baseUrl"],
        "the sandbox's new port is used"
    );
    assert_eq!(next.invoke("session_info", json!({})).unwrap(), resumed);
    let tenants = next
        .invoke("list_entities", json!({ "entityType": "tenant" }))
        .unwrap();
    assert_eq!(tenants.as_array().unwrap().len(), 1);
}

#[test]
fn nothing_remembered_resumes_nothing() {
    let app = TestApp::start(None);

    let resumed = app.invoke("resume_session", json!({})).unwrap();

    assert_eq!(resumed, Value::Null);
}

#[test]
fn sign_out_wipes_remembered_session() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::mock("session").unwrap();
    let app = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    let request = app.admin_request();
    app.invoke("sign_in", json!({ "request": request, "remember": true }))
        .unwrap();

    app.invoke("sign_out", json!({})).unwrap();

    assert!(keychain.load().unwrap().is_none(), "the entry is wiped");
    assert_eq!(
        app.invoke("resume_session", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn sign_in_without_remember_wipes_entry() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::mock("session").unwrap();
    let app = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    keychain
        .save(&pers_library::Secret::new("{}".to_owned()))
        .unwrap();
    let request = app.admin_request();

    app.invoke("sign_in", json!({ "request": request }))
        .unwrap();

    assert!(keychain.load().unwrap().is_none(), "nothing is kept");
}

#[test]
fn rejected_saved_session_is_wiped() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::mock("session").unwrap();
    let first = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    let request = first.admin_request();
    first
        .invoke("sign_in", json!({ "request": request, "remember": true }))
        .unwrap();
    drop(first);
    let saved = keychain.load().unwrap().unwrap();
    let mut stored: Value = serde_json::from_str(saved.expose()).unwrap();
    stored["refreshToken"] = json!("not-a-refresh-token");
    keychain
        .save(&pers_library::Secret::new(stored.to_string()))
        .unwrap();

    let next = TestApp::start_in(data_dir.path(), keychain.clone(), None);
    let error = next.invoke("resume_session", json!({})).unwrap_err();

    assert_eq!(error["code"], "NOT_SIGNED_IN", "{error}");
    assert!(
        !error["message"]
            .as_str()
            .unwrap()
            .contains("not-a-refresh-token"),
        "{error}"
    );
    assert!(keychain.load().unwrap().is_none(), "the entry is wiped");
    assert_eq!(next.invoke("session_info", json!({})).unwrap(), Value::Null);
}

#[test]
fn unreadable_saved_session_is_invalid_input() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::mock("session").unwrap();
    keychain
        .save(&pers_library::Secret::new("not json".to_owned()))
        .unwrap();
    let app = TestApp::start_in(data_dir.path(), keychain.clone(), None);

    let error = app.invoke("resume_session", json!({})).unwrap_err();

    assert_eq!(error["code"], "INVALID_INPUT", "{error}");
    assert!(keychain.load().unwrap().is_none(), "the entry is wiped");
}

#[test]
fn missing_keychain_reports_remember_error() {
    let data_dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::unavailable("no Secret Service");
    let app = TestApp::start_in(data_dir.path(), keychain, None);
    let request = app.admin_request();

    let signed_in = app
        .invoke("sign_in", json!({ "request": request, "remember": true }))
        .unwrap();

    let reason = signed_in["rememberError"].as_str().unwrap();
    assert!(reason.contains("no Secret Service"), "{reason}");
    assert_eq!(signed_in["kind"], "tenant", "the sign-in stands");
    assert_eq!(
        app.invoke("resume_session", json!({})).unwrap(),
        signed_in
            .as_object()
            .map(|fields| {
                let mut fields = fields.clone();
                fields.remove("rememberError");
                Value::Object(fields)
            })
            .unwrap(),
        "the current session is returned"
    );
}

#[test]
fn wrong_password_is_invalid_credentials() {
    let app = TestApp::start(None);
    let sandbox = app.invoke("sandbox_info", json!({})).unwrap();
    let request = json!({
        "environment": "sandbox",
        "baseUrl": sandbox["baseUrl"],
        "identityUrl": sandbox["identityUrl"],
        "projectKey": sandbox["projectKey"],
        "email": sandbox["accounts"][0]["email"],
        "password": "not-the-password",
        "kind": "tenant",
    });

    let error = app
        .invoke("sign_in", json!({ "request": request }))
        .unwrap_err();

    assert_eq!(error["code"], "INVALID_CREDENTIALS");
    let message = error["message"].as_str().unwrap();
    assert!(
        !message.contains("not-the-password"),
        "the password is not echoed: {message}"
    );
}

#[test]
fn staff_of_two_businesses_gets_choices() {
    let app = TestApp::start(None);
    let mut request = app.staff_request(|account| {
        account["email"]
            .as_str()
            .is_some_and(|email| email.starts_with("manager@"))
    });

    let error = app
        .invoke("sign_in", json!({ "request": request }))
        .unwrap_err();

    assert_eq!(error["code"], "BUSINESS_SELECTION_REQUIRED", "{error}");
    assert!(error["message"].is_string(), "{error}");
    let businesses = error["businesses"].as_array().unwrap();
    assert_eq!(businesses.len(), 2, "{error}");
    for business in businesses {
        assert!(business["businessId"].is_string(), "{business}");
        assert!(business["displayName"].is_string(), "{business}");
        assert!(business["role"].is_string(), "{business}");
    }
    let roles: Vec<&str> = businesses
        .iter()
        .map(|business| business["role"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"OWNER"), "{roles:?}");
    assert!(roles.contains(&"ADMIN"), "{roles:?}");
    assert_eq!(app.invoke("session_info", json!({})).unwrap(), Value::Null);

    let chosen = &businesses[1];
    request["businessId"] = chosen["businessId"].clone();
    let session = app
        .invoke("sign_in", json!({ "request": request }))
        .unwrap();
    assert_eq!(session["businessId"], chosen["businessId"]);
    assert_eq!(session["businessName"], chosen["displayName"]);
}

#[test]
fn other_errors_list_no_businesses() {
    let app = TestApp::start(None);
    let mut request = app.staff_request(|_| true);
    request["password"] = json!("not-the-password");

    let error = app
        .invoke("sign_in", json!({ "request": request }))
        .unwrap_err();

    assert_eq!(error["code"], "INVALID_CREDENTIALS");
    assert!(error.get("businesses").is_none(), "{error}");
}

#[test]
fn start_upload_returns_job_id() {
    let app = TestApp::start(None);
    app.sign_in_as_staff();
    let campaigns = app
        .invoke("list_entities", json!({ "entityType": "campaign" }))
        .unwrap();
    let entity = json!({ "entityType": "campaign", "id": campaigns[0]["id"] });

    let job = app
        .invoke(
            "start_upload",
            json!({ "entity": entity, "paths": ["/nonexistent/a.jpg"], "onEvent": "__CHANNEL__:7" }),
        )
        .unwrap();

    assert!(job.is_u64(), "the job id is a number: {job}");
}

#[test]
fn pick_files_returns_scripted_paths() {
    let paths = vec![
        PathBuf::from("/data/one.jpg"),
        PathBuf::from("/data/two words.png"),
    ];
    let app = TestApp::start(Some(paths));

    let picked = app.invoke("pick_files", json!({})).unwrap();

    assert_eq!(picked, json!(["/data/one.jpg", "/data/two words.png"]));
}

#[test]
fn unknown_command_is_rejected() {
    let app = TestApp::start(None);

    let error = app.invoke("plugin:fs|read_file", json!({ "path": "/etc/passwd" }));

    assert!(error.is_err(), "no fs plugin is reachable: {error:?}");
}

#[test]
fn remote_origin_cannot_invoke_commands() {
    let app = TestApp::start(None);

    let result = app.invoke_from("http://127.0.0.1:9/", "session_info", json!({}));

    assert!(
        result.is_err(),
        "only the bundled front end may call commands: {result:?}"
    );
}

#[test]
fn resume_jobs_needs_a_session() {
    let app = TestApp::start(None);

    let error = app
        .invoke("resume_jobs", json!({ "onEvent": "__CHANNEL__:7" }))
        .unwrap_err();

    assert_eq!(error["code"], "NOT_SIGNED_IN", "{error}");
}

#[test]
fn resume_jobs_with_an_empty_journal_resumes_none() {
    let app = TestApp::start(None);
    app.sign_in_as_staff();

    let resumed = app
        .invoke("resume_jobs", json!({ "onEvent": "__CHANNEL__:7" }))
        .unwrap();

    assert_eq!(resumed, json!([]));
}

#[test]
fn job_controls_of_an_unknown_job_name_it() {
    let app = TestApp::start(None);
    app.sign_in_as_staff();

    for (command, args) in [
        ("pause_job", json!({ "jobId": 4242 })),
        ("resume_job", json!({ "jobId": 4242 })),
        ("cancel_job", json!({ "jobId": 4242 })),
        ("cancel_file", json!({ "jobId": 4242, "fileId": 0 })),
    ] {
        let error = app.invoke(command, args).unwrap_err();
        assert_eq!(error["code"], "INVALID_INPUT", "{command}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("4242"), "{command}: {message}");
    }
}

#[test]
fn cancelled_job_stores_nothing() {
    let app = TestApp::start(None);
    app.sign_in_as_staff();
    let campaigns = app
        .invoke("list_entities", json!({ "entityType": "campaign" }))
        .unwrap();
    let entity = json!({ "entityType": "campaign", "id": campaigns[1]["id"] });
    let paths: Vec<PathBuf> = (0..40)
        .map(|index| {
            let path = app.data_dir.join(format!("photo-{index}.png"));
            image::RgbImage::from_fn(600, 400, |x, y| {
                image::Rgb([(x + index) as u8, y as u8, index as u8])
            })
            .save(&path)
            .unwrap();
            path
        })
        .collect();

    let job = app
        .invoke(
            "start_upload",
            json!({ "entity": entity, "paths": paths, "onEvent": "__CHANNEL__:7" }),
        )
        .unwrap();
    app.invoke("pause_job", json!({ "jobId": job })).unwrap();
    app.invoke("cancel_job", json!({ "jobId": job })).unwrap();

    // A cancelled job ends soon; once it has, its controls report it as not running.
    let mut ended = false;
    for _ in 0..100 {
        if app.invoke("resume_job", json!({ "jobId": job })).is_err() {
            ended = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ended, "the cancelled job {job} kept running");
    let gallery = app.invoke("gallery", json!({ "entity": entity })).unwrap();
    let stored = gallery["items"].as_array().unwrap().len();
    // Files already being recorded when the cancel came may finish; the rest must not.
    assert!(stored < 40, "cancel stopped nothing: {stored} of 40 stored");
}

/// `keychain_status` passes the capability file and reports to the sign-in screen whether
/// "remember me" can work, with the reason when it cannot.
#[test]
fn keychain_status_reports_reason() {
    let missing_dir = tempfile::tempdir().unwrap();
    let missing = TestApp::start_in(
        missing_dir.path(),
        Keychain::unavailable("no Secret Service"),
        None,
    );
    let status = missing.invoke("keychain_status", json!({})).unwrap();
    assert_eq!(status["available"], false, "{status}");
    assert!(
        status["reason"]
            .as_str()
            .unwrap()
            .contains("no Secret Service"),
        "{status}"
    );

    let present_dir = tempfile::tempdir().unwrap();
    let present = TestApp::start_in(present_dir.path(), Keychain::mock("status").unwrap(), None);
    let status = present.invoke("keychain_status", json!({})).unwrap();
    assert_eq!(status, json!({ "available": true }));
}

/// Every command the shell registers has a permission in build.rs and is granted to the main
/// window, because Tauri rejects a command that the capability file does not allow.
#[test]
fn registered_commands_are_permitted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    let lib = read("src/lib.rs");
    let handler = lib.split("generate_handler![").nth(1).unwrap();
    let handler = handler.split(']').next().unwrap();
    let mut registered: Vec<String> = handler
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    registered.sort();

    let build = read("build.rs");
    let listed = build.split("const COMMANDS").nth(1).unwrap();
    let listed = listed.split("];").next().unwrap();
    let mut permitted: Vec<String> = listed
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    permitted.sort();
    assert_eq!(registered, permitted, "build.rs COMMANDS");

    let capabilities: Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    let granted: Vec<&str> = capabilities["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for name in &registered {
        let permission = format!("allow-{}", name.replace('_', "-"));
        assert!(
            granted.contains(&permission.as_str()),
            "{permission} not granted"
        );
    }
}
