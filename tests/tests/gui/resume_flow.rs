//! Quit the app while a batch is unfinished, start it again, and see the batch finish.

use std::path::{Path, PathBuf};

use thirtyfour::prelude::*;

use crate::driver::{Setup, TauriDriver, screenshot, wait_for, wait_for_count, wait_until_js};
use crate::ids;
use crate::upload_flow::{drop_files, open_entity, sign_in_as_staff, wait_for_loaded_thumbnails};

/// Files in the batch: enough that pausing right after the drop leaves most of them unfinished.
const BATCH_FILES: u32 = 18;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver and an X display: run scripts/test.sh"]
async fn unfinished_batch_finishes_after_restart() {
    let setup = Setup::from_env();
    let photos_dir = tempfile::tempdir().unwrap();
    let photos = drawn_photos(photos_dir.path());
    let data_dir = tempfile::tempdir().unwrap();

    let (campaign, done_before_quit) = {
        let log = setup.artifacts.join("app-resume-first-run.log");
        let tauri_driver = TauriDriver::start(&setup, data_dir.path(), &log).await;
        let driver = tauri_driver.open_app(&setup).await;
        let result = drop_pause_and_count(&driver, &setup, &photos).await;
        driver.quit().await.unwrap();
        result
    };
    assert!(
        done_before_quit < photos.len(),
        "all {} files finished before the pause took effect, so nothing was left to resume",
        photos.len()
    );

    let log = setup.artifacts.join("app-resume-second-run.log");
    let tauri_driver = TauriDriver::start(&setup, data_dir.path(), &log).await;
    let driver = tauri_driver.open_app(&setup).await;
    sign_in_as_staff(&driver).await;
    // The notice about the resumed batch goes when the batch ends, which can be before this
    // test looks, so the thumbnails below are what shows the resume.
    open_entity(&driver, &campaign).await;
    wait_for_loaded_thumbnails(&driver, photos.len()).await;
    screenshot(&driver, &setup, "08-resumed-batch-finished").await;

    let items = driver
        .find_all(By::Css(ids::css(ids::GALLERY_ITEM)))
        .await
        .unwrap();
    assert_eq!(items.len(), photos.len(), "each file is stored once");
    let errors = driver
        .find_all(By::Css(ids::css(ids::UPLOAD_ROW_ERROR)))
        .await
        .unwrap();
    assert!(errors.is_empty(), "no file failed after the resume");
    driver.quit().await.unwrap();
}

/// Signs in, opens the first campaign, drops `photos`, pauses the batch at once, waits until it
/// is paused, and returns the campaign's name and how many files were done by then.
async fn drop_pause_and_count(
    driver: &WebDriver,
    setup: &Setup,
    photos: &[PathBuf],
) -> (String, usize) {
    sign_in_as_staff(driver).await;
    wait_for(driver, ids::ENTITY_ITEM)
        .await
        .click()
        .await
        .unwrap();
    let campaign = wait_for(driver, ids::ENTITY_NAME)
        .await
        .text()
        .await
        .unwrap();
    wait_for(driver, ids::DROP_ZONE).await;

    drop_files(driver, photos).await;
    wait_for(driver, ids::UPLOAD_BATCH_PAUSE)
        .await
        .click()
        .await
        .unwrap();
    let paused = format!(
        "const batch = document.querySelector('{}'); \
         return !!batch && batch.dataset.state === 'paused';",
        ids::css(ids::UPLOAD_BATCH).replace('\'', "\\'")
    );
    wait_until_js(driver, "the batch to be paused", &paused).await;
    wait_for_count(driver, ids::UPLOAD_ROW, photos.len()).await;
    screenshot(driver, setup, "07-batch-paused").await;

    let done = driver
        .find_all(By::Css(format!(
            "{}[data-status=\"done\"]",
            ids::css(ids::UPLOAD_ROW)
        )))
        .await
        .unwrap()
        .len();
    println!(
        "{done} of {} files were done when the app quit",
        photos.len()
    );
    (campaign, done)
}

/// Draws `BATCH_FILES` distinct photos in code, so the test needs no corpus.
fn drawn_photos(dir: &Path) -> Vec<PathBuf> {
    (0..BATCH_FILES)
        .map(|index| {
            let path = dir.join(format!("resume-{index:02}.png"));
            let image = image::RgbImage::from_fn(1200, 900, |x, y| {
                let shade = (x * 7 + y * 3 + index * 31) % 256;
                image::Rgb([shade as u8, (y % 256) as u8, (index * 13) as u8])
            });
            image.save(&path).unwrap();
            path
        })
        .collect()
}
