//! Predicting each queued file's output before it is prepared, so the queue can show sizes
//! from the start.

use std::io::Read;
use std::path::Path;

use crate::prepare::PrepareSettings;

/// The expected output of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Prediction {
    pub width: u32,
    pub height: u32,
    pub estimated_bytes: u64,
    pub content_type: String,
}

/// Predicts the output of the file at `path` from its header, or returns `None` when it cannot
/// be predicted: unreadable, not an image, or over a limit. Preparing the file reports the
/// reason then, so a prediction never fails a file. Documents are not predicted.
///
/// Reads at most the maximum image size, so a huge file costs no more than the limit.
pub(crate) fn predict_file(path: &Path, settings: &PrepareSettings) -> Option<Prediction> {
    let cap = settings.limits.max_file_bytes;
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > cap {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes).ok()?;
    let predicted = pers_imaging::predict_output(&bytes, &settings.preset, &settings.limits);
    match predicted {
        Ok(output) => Some(Prediction {
            width: output.width,
            height: output.height,
            estimated_bytes: output.estimated_bytes,
            content_type: output.format.content_type().to_owned(),
        }),
        Err(error) => {
            tracing::debug!(path = %path.display(), %error, "no size prediction");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn settings(dir: &Path) -> PrepareSettings {
        PrepareSettings {
            preset: pers_imaging::Preset::default(),
            limits: pers_imaging::Limits::default(),
            max_document_bytes: 1024,
            prepared_dir: dir.to_owned(),
        }
    }

    #[test]
    fn predicts_a_large_png_scaled_to_the_preset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        image::RgbImage::new(3200, 800).save(&path).unwrap();
        let predicted = predict_file(&path, &settings(dir.path())).unwrap();
        let max_edge = pers_imaging::Preset::default().max_edge;
        assert_eq!(predicted.width, max_edge);
        assert_eq!(predicted.height, max_edge / 4);
        assert!(predicted.estimated_bytes > 0);
    }

    #[test]
    fn text_and_missing_files_have_no_prediction() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.png");
        std::fs::write(&text, b"not an image").unwrap();
        assert_eq!(predict_file(&text, &settings(dir.path())), None);
        assert_eq!(
            predict_file(&dir.path().join("gone.png"), &settings(dir.path())),
            None
        );
    }
}
