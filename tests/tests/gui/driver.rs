//! Starting the app under tauri-driver, and waiting on its screens.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::ids;

/// How long one wait for a screen or element may take before the test fails.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(60);

/// How long tauri-driver may take to answer `GET /status`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(30);

/// Paths the GUI test needs, read from the environment the test command sets.
pub struct Setup {
    pub app: PathBuf,
    pub tauri_driver: PathBuf,
    pub artifacts: PathBuf,
}

impl Setup {
    /// Reads `PERS_E2E_APP`, `PERS_E2E_TAURI_DRIVER` and `PERS_E2E_ARTIFACTS`; panics with the fix
    /// when one is missing, because an ignored test that is run on purpose must not pass silently.
    pub fn from_env() -> Setup {
        let path = |name: &str| {
            let value = std::env::var_os(name).unwrap_or_else(|| {
                panic!("{name} is not set: run the GUI test through scripts/test.sh")
            });
            PathBuf::from(value)
        };
        let setup = Setup {
            app: path("PERS_E2E_APP"),
            tauri_driver: path("PERS_E2E_TAURI_DRIVER"),
            artifacts: path("PERS_E2E_ARTIFACTS"),
        };
        assert!(
            setup.app.is_file(),
            "the app binary {} does not exist",
            setup.app.display()
        );
        assert!(
            setup.tauri_driver.is_file(),
            "tauri-driver {} does not exist",
            setup.tauri_driver.display()
        );
        std::fs::create_dir_all(&setup.artifacts).unwrap();
        setup
    }
}

/// A running tauri-driver; stopped with SIGTERM when dropped, because SIGKILL leaves
/// WebKitWebDriver holding its port.
pub struct TauriDriver {
    child: Child,
    pub url: String,
}

impl TauriDriver {
    /// Starts tauri-driver on a free loopback port with the app's data dir in its environment.
    pub async fn start(setup: &Setup, data_dir: &Path, log: &Path) -> TauriDriver {
        let port = free_port();
        let native_port = free_port();
        let log_file = std::fs::File::create(log).unwrap();
        let child = Command::new(&setup.tauri_driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .args([
                "--native-host",
                "127.0.0.1",
                "--native-driver",
                "/usr/bin/WebKitWebDriver",
            ])
            .env("PERS_ASSET_MANAGER_DATA_DIR", data_dir)
            .env("RUST_LOG", "info,pers_library=debug")
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .stdin(Stdio::null())
            .spawn()
            .expect("tauri-driver starts");
        let driver = TauriDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_ready().await;
        driver
    }

    async fn wait_ready(&self) {
        let started = Instant::now();
        let status_url = format!("{}/status", self.url);
        while started.elapsed() < DRIVER_START_TIMEOUT {
            let response = reqwest::get(&status_url).await;
            if response.is_ok_and(|response| response.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("tauri-driver did not answer {status_url} within {DRIVER_START_TIMEOUT:?}");
    }

    /// Opens a WebDriver session, which starts the app.
    pub async fn open_app(&self, setup: &Setup) -> WebDriver {
        let mut capabilities = Capabilities::new();
        let options = serde_json::json!({ "application": setup.app });
        capabilities.set("tauri:options", options).unwrap();
        capabilities.set("browserName", "wry").unwrap();
        let driver = WebDriver::new(&self.url, capabilities)
            .await
            .expect("the app starts");
        driver
            .set_implicit_wait_timeout(Duration::from_secs(0))
            .await
            .unwrap();
        driver
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Waits until `selector` matches at least `count` elements, and returns them.
pub async fn wait_for_count(driver: &WebDriver, test_id: &str, count: usize) -> Vec<WebElement> {
    let started = Instant::now();
    loop {
        let found = driver
            .find_all(By::Css(ids::css(test_id)))
            .await
            .unwrap_or_default();
        if found.len() >= count {
            return found;
        }
        if started.elapsed() > SCREEN_TIMEOUT {
            let page = driver.source().await.unwrap_or_default();
            panic!(
                "waited {SCREEN_TIMEOUT:?} for {count} element(s) {test_id}, found {}; page:\n{}",
                found.len(),
                excerpt(&page)
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits for one element with `test_id` and returns it.
pub async fn wait_for(driver: &WebDriver, test_id: &str) -> WebElement {
    wait_for_count(driver, test_id, 1).await.remove(0)
}

/// Waits until a JavaScript expression returns `true`.
pub async fn wait_until_js(driver: &WebDriver, what: &str, script: &str) {
    let started = Instant::now();
    loop {
        let value = driver
            .execute(script, Vec::new())
            .await
            .map(|ret| ret.json().clone());
        if matches!(value, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        if started.elapsed() > SCREEN_TIMEOUT {
            panic!("waited {SCREEN_TIMEOUT:?} for {what}; the last result was {value:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Saves a screenshot of the app's window as `<name>.png` in the artifacts folder, after two
/// animation frames so the latest DOM change is painted.
pub async fn screenshot(driver: &WebDriver, setup: &Setup, name: &str) {
    let painted = "const done = arguments[arguments.length - 1]; \
        requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
    driver.execute_async(painted, Vec::new()).await.unwrap();
    let path = setup.artifacts.join(format!("{name}.png"));
    driver.screenshot(&path).await.unwrap();
    println!("screenshot: {}", path.display());
}

fn excerpt(page: &str) -> &str {
    let end = page
        .char_indices()
        .nth(4000)
        .map_or(page.len(), |(index, _)| index);
    &page[..end]
}
