//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pers_imaging::{BoxSize, Fit, FormatChoice, MetadataPolicy, PRESET_NAMES, Preset};

/// The PERS asset manager's command line.
#[derive(Parser, Debug)]
#[command(name = "pers-assets", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// A subcommand.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Prepare one image for upload: orient, convert to sRGB, resize, re-encode, strip
    /// metadata.
    Prepare(PrepareArgs),
    /// Print the output size that `prepare` would produce, read from the header only.
    Predict(PredictArgs),
}

/// Arguments of `prepare`.
#[derive(Args, Debug)]
pub(crate) struct PrepareArgs {
    /// Input image. The format is read from the content, not the extension.
    pub input: PathBuf,
    /// Output file. Its extension is replaced when it does not match the output format.
    #[arg(short, long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub preset: PresetArgs,
}

/// Arguments of `predict`.
#[derive(Args, Debug)]
pub(crate) struct PredictArgs {
    /// Input image.
    pub input: PathBuf,
    #[command(flatten)]
    pub preset: PresetArgs,
}

/// Options that build the [`Preset`].
#[derive(Args, Debug)]
pub(crate) struct PresetArgs {
    /// Named preset to start from.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(PRESET_NAMES),
          conflicts_with = "max_edge")]
    pub preset: Option<String>,
    /// Maximum length of the longer side in pixels, a square box (default 1600).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_edge: Option<u32>,
    /// Box width in pixels. Needs --height.
    #[arg(long, requires = "height", value_parser = clap::value_parser!(u32).range(1..))]
    pub width: Option<u32>,
    /// Box height in pixels. Needs --width.
    #[arg(long, requires = "width", value_parser = clap::value_parser!(u32).range(1..))]
    pub height: Option<u32>,
    /// Fit mode of the image in the box.
    #[arg(long, value_enum)]
    pub fit: Option<FitArg>,
    /// Output format (default: JPEG, or PNG when the image has transparency).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Quality of JPEG and WebP output, 1 to 100 (defaults 85 and 80).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
    /// Enlarge images smaller than the box.
    #[arg(long)]
    pub upscale: bool,
    /// Keep the EXIF Artist and Copyright fields (all other metadata is still removed).
    #[arg(long)]
    pub keep_copyright: bool,
}

/// Values of `--fit`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum FitArg {
    /// Fit inside the box, keeping the aspect ratio.
    Contain,
    /// Cover the box and crop the centre.
    Cover,
    /// Fit inside the box and fill the margins.
    Pad,
}

/// Values of `--format`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum FormatArg {
    /// JPEG for opaque images, PNG with transparency.
    Auto,
    /// The input's format when it is JPEG, PNG or WebP.
    Keep,
    /// JPEG, with transparency flattened onto white.
    Jpeg,
    /// PNG.
    Png,
    /// Lossy WebP.
    Webp,
}

impl PresetArgs {
    /// Builds the preset: the named one or the default, then each option given over it.
    pub(crate) fn to_preset(&self) -> Preset {
        let mut preset = self
            .preset
            .as_deref()
            .and_then(Preset::named)
            .unwrap_or_default();
        if let Some(max_edge) = self.max_edge {
            preset.max_edge = max_edge;
            preset.size = None;
        }
        if let (Some(width), Some(height)) = (self.width, self.height) {
            preset.size = Some(BoxSize { width, height });
        }
        if let Some(fit) = self.fit {
            preset.fit = match fit {
                FitArg::Contain => Fit::Contain,
                FitArg::Cover => Fit::Cover,
                FitArg::Pad => Fit::Pad,
            };
        }
        if let Some(format) = self.format {
            preset.format = match format {
                FormatArg::Auto => FormatChoice::Auto,
                FormatArg::Keep => FormatChoice::Keep,
                FormatArg::Jpeg => FormatChoice::Jpeg,
                FormatArg::Png => FormatChoice::Png,
                FormatArg::Webp => FormatChoice::Webp,
            };
        }
        if let Some(quality) = self.quality {
            preset.jpeg_quality = quality;
            preset.webp_quality = quality;
        }
        preset.upscale |= self.upscale;
        if self.keep_copyright {
            preset.metadata = MetadataPolicy::KeepCopyright;
        }
        preset
    }
}
