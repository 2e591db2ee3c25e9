//! The `pers-sandbox` binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_pers-sandbox");

#[tokio::test]
async fn prints_info_line_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .args(["--port", "0", "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let base_url = info["base_url"].as_str().unwrap();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/v2"),
        "{base_url}"
    );
    assert!(
        info["control_token"]
            .as_str()
            .is_some_and(|token| token.len() >= 32),
        "the startup line carries the control token: {info}"
    );
    assert!(
        info["project_key"]
            .as_str()
            .unwrap()
            .starts_with("pk_test_")
    );
    assert!(
        info["identity_url"]
            .as_str()
            .unwrap()
            .ends_with("/identity/v1/accounts:signInWithPassword")
    );
    assert!(
        info["storage_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let accounts = info["accounts"].as_array().unwrap();
    assert!(accounts.iter().any(|account| account["kind"] == "tenant"));
    assert!(accounts.iter().any(|account| account["kind"] == "business"));

    let response = reqwest::Client::new()
        .get(format!("{base_url}/campaigns"))
        .header("x-project-key", info["project_key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        reqwest::StatusCode::OK,
        "the printed addresses serve requests"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "SIGTERM stops the sandbox with exit code 0"
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["--port", "abc", "--data-dir", "x"],
        vec!["--data-dir", "x"],
        vec!["--bogus"],
    ] {
        let output = Command::new(BINARY).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("usage: pers-sandbox"), "{args:?}: {stderr}");
    }
}
