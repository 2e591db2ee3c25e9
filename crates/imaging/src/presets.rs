//! Named presets for the image of each PERS entity type.
//!
//! The sizes are this product's choices. The PERS API stores any image it is given and
//! documents no required size.

use crate::options::{BoxSize, Fit, FormatChoice, Preset};

/// Names accepted by [`Preset::named`], in the order the CLI lists them.
pub const PRESET_NAMES: [&str; 6] = [
    "default",
    "campaign-banner",
    "token",
    "redemption",
    "logo",
    "thumbnail",
];

impl Preset {
    /// Returns the preset called `name`, one of [`PRESET_NAMES`], or `None`:
    ///
    /// - `default`: [`Preset::default`], the longer side at most 1600 px.
    /// - `campaign-banner`: 1600x900 (16:9), [`Fit::Cover`].
    /// - `token`: 512x512, [`Fit::Cover`], for square token images.
    /// - `redemption`: 1200x1200, [`Fit::Contain`].
    /// - `logo`: 512x512, [`Fit::Pad`], PNG so the margins and any transparency stay
    ///   transparent (business and tenant images).
    /// - `thumbnail`: the longer side at most 256 px, JPEG quality 80, for gallery tiles.
    pub fn named(name: &str) -> Option<Self> {
        let sized = |width, height, fit| Self {
            size: Some(BoxSize { width, height }),
            fit,
            ..Self::default()
        };
        match name {
            "default" => Some(Self::default()),
            "campaign-banner" => Some(sized(1600, 900, Fit::Cover)),
            "token" => Some(sized(512, 512, Fit::Cover)),
            "redemption" => Some(sized(1200, 1200, Fit::Contain)),
            "logo" => Some(Self {
                format: FormatChoice::Png,
                ..sized(512, 512, Fit::Pad)
            }),
            "thumbnail" => Some(Self {
                max_edge: 256,
                jpeg_quality: 80,
                ..Self::default()
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves() {
        for name in PRESET_NAMES {
            assert!(Preset::named(name).is_some(), "{name}");
        }
        assert!(Preset::named("poster").is_none());
    }
}
