//! Sign in to the sandbox, drop three photos on a campaign, see them in its gallery, also
//! after a restart of the app.

use std::path::{Path, PathBuf};

use thirtyfour::prelude::*;

use crate::driver::{Setup, TauriDriver, screenshot, wait_for, wait_for_count, wait_until_js};
use crate::ids;

/// The photos dropped: a plain camera JPEG, one with EXIF orientation 6, one with orientation 3.
const CORPUS_PHOTOS: [&str; 3] = [
    "DSCN0010.jpg",
    "exif-samples/canon_hdr_NO.jpg",
    "exif-orientation/Landscape_3.jpg",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver and an X display: run scripts/test.sh"]
async fn dropped_photos_show_in_gallery_after_restart() {
    let setup = Setup::from_env();
    let photos = photos_to_drop();
    let data_dir = tempfile::tempdir().unwrap();

    let campaign = {
        let log = setup.artifacts.join("app-first-run.log");
        let tauri_driver = TauriDriver::start(&setup, data_dir.path(), &log).await;
        let driver = tauri_driver.open_app(&setup).await;
        let campaign = first_run(&driver, &setup, &photos).await;
        driver.quit().await.unwrap();
        campaign
    };

    let log = setup.artifacts.join("app-second-run.log");
    let tauri_driver = TauriDriver::start(&setup, data_dir.path(), &log).await;
    let driver = tauri_driver.open_app(&setup).await;
    sign_in_as_staff(&driver).await;
    open_entity(&driver, &campaign).await;
    wait_for_loaded_thumbnails(&driver, photos.len()).await;
    screenshot(&driver, &setup, "06-gallery-after-restart").await;
    driver.quit().await.unwrap();
}

/// Signs in, opens the first campaign, drops the photos, and returns the campaign's name.
async fn first_run(driver: &WebDriver, setup: &Setup, photos: &[PathBuf]) -> String {
    wait_for(driver, ids::SIGN_IN_SANDBOX_NOTICE).await;
    wait_for(driver, ids::SIGN_IN_DEMO_ACCOUNT).await;
    screenshot(driver, setup, "01-sign-in").await;
    sign_in_as_staff(driver).await;

    let entities = wait_for(driver, ids::ENTITY_ITEM).await;
    screenshot(driver, setup, "02-entities").await;
    entities.click().await.unwrap();
    let campaign = wait_for(driver, ids::ENTITY_NAME)
        .await
        .text()
        .await
        .unwrap();
    assert!(!campaign.is_empty(), "the selected campaign shows its name");
    wait_for(driver, ids::DROP_ZONE).await;

    drop_files(driver, photos).await;
    let rows = wait_for_count(driver, ids::UPLOAD_ROW, photos.len()).await;
    assert_eq!(rows.len(), photos.len(), "one queue row per dropped file");
    screenshot(driver, setup, "03-upload-queue").await;

    wait_for_loaded_thumbnails(driver, photos.len()).await;
    let errors = driver
        .find_all(By::Css(ids::css(ids::UPLOAD_ROW_ERROR)))
        .await
        .unwrap();
    assert!(errors.is_empty(), "no file failed");
    screenshot(driver, setup, "04-gallery").await;

    let items = wait_for_count(driver, ids::GALLERY_ITEM, photos.len()).await;
    items[0].click().await.unwrap();
    wait_for(driver, ids::PREVIEW_MODAL).await;
    wait_until_js(
        driver,
        "the preview image to load",
        &format!(
            "const image = document.querySelector('{}'); \
             return !!image && image.complete && image.naturalWidth > 0;",
            ids::css(ids::PREVIEW_IMAGE).replace('\'', "\\'")
        ),
    )
    .await;
    screenshot(driver, setup, "05-preview").await;
    wait_for(driver, ids::PREVIEW_CLOSE)
        .await
        .click()
        .await
        .unwrap();
    campaign
}

/// Picks the business staff demo account on the sign-in screen and signs in.
pub(crate) async fn sign_in_as_staff(driver: &WebDriver) {
    let accounts = wait_for_count(driver, ids::SIGN_IN_DEMO_ACCOUNT, 1).await;
    let mut chosen = None;
    for account in &accounts {
        let kind = account.attr("data-kind").await.unwrap_or_default();
        if kind.as_deref() == Some("business") {
            chosen = Some(account);
            break;
        }
    }
    let account = chosen.expect("the sandbox offers a business staff demo account");
    account.click().await.unwrap();
    let email = wait_for(driver, ids::SIGN_IN_EMAIL)
        .await
        .prop("value")
        .await
        .unwrap();
    assert!(
        email.is_some_and(|email| email.contains('@')),
        "the demo account fills the email"
    );
    wait_for(driver, ids::SIGN_IN_SUBMIT)
        .await
        .click()
        .await
        .unwrap();
    if let Ok(error) = driver.find(By::Css(ids::css(ids::SIGN_IN_ERROR))).await {
        panic!("sign-in failed: {}", error.text().await.unwrap_or_default());
    }
    wait_for(driver, ids::SESSION_USER).await;
}

/// Selects the entity named `name` in the entity list.
pub(crate) async fn open_entity(driver: &WebDriver, name: &str) {
    let items = wait_for_count(driver, ids::ENTITY_ITEM, 1).await;
    for item in items {
        if item.text().await.unwrap().contains(name) {
            item.click().await.unwrap();
            let shown = wait_for(driver, ids::ENTITY_NAME)
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(shown, name, "the same campaign opens after the restart");
            return;
        }
    }
    panic!("the campaign {name} is not in the list after the restart");
}

/// Delivers a file drop the way a native one arrives: as Tauri's `tauri://drag-drop` event with
/// the paths, through the app's event bus, to the webview's drag-drop listener.
pub(crate) async fn drop_files(driver: &WebDriver, paths: &[PathBuf]) {
    let paths: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    let script = "const done = arguments[arguments.length - 1]; \
        window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'tauri://drag-drop', \
          payload: { paths: arguments[0], position: { x: 200, y: 200 } } }) \
        .then(() => done(null), (error) => done(String(error)));";
    let result = driver
        .execute_async(script, vec![serde_json::json!(paths)])
        .await
        .unwrap();
    assert_eq!(
        result.json(),
        &serde_json::Value::Null,
        "the drop event was delivered"
    );
}

/// Waits until the gallery shows `count` thumbnails that have loaded through the URI scheme.
pub(crate) async fn wait_for_loaded_thumbnails(driver: &WebDriver, count: usize) {
    wait_for_count(driver, ids::GALLERY_ITEM, count).await;
    let script = format!(
        "const images = [...document.querySelectorAll('{} img')]; \
         return images.length === {count} && images.every((image) => image.complete && image.naturalWidth > 0);",
        ids::css(ids::GALLERY_ITEM).replace('\'', "\\'")
    );
    wait_until_js(driver, &format!("{count} loaded thumbnails"), &script).await;
}

/// Three corpus photos when the shared corpus is present, else three photos drawn in code.
fn photos_to_drop() -> Vec<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real");
    if corpus.is_dir() {
        return CORPUS_PHOTOS.iter().map(|name| corpus.join(name)).collect();
    }
    println!(
        "corpus not found at {}: dropping photos drawn in code",
        corpus.display()
    );
    let dir = std::env::temp_dir().join(format!("pers-e2e-photos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    (0..3u8)
        .map(|index| {
            let path = dir.join(format!("drawn-{index}.png"));
            let image = image::RgbImage::from_fn(640, 480, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, index * 80])
            });
            image.save(&path).unwrap();
            path
        })
        .collect()
}
