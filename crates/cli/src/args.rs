//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pers_imaging::{BoxSize, Fit, FormatChoice, MetadataPolicy, PRESET_NAMES, Preset};

/// The PERS asset manager's command line.
#[derive(Parser, Debug)]
#[command(name = "pers-assets", version, about)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every network command.
#[derive(Args, Debug)]
pub(crate) struct GlobalArgs {
    /// PERS API base URL, or `production` for https://api.pers.ninja/v2. For a local sandbox,
    /// pass the `base_url` that `pers-sandbox` prints. Needed by `login`; later commands use
    /// the environment of the saved session.
    #[arg(long = "env", global = true, env = "PERS_ENV", value_name = "URL")]
    pub env: Option<String>,
    /// The tenant's project key (`x-project-key`). Needed by `login`.
    #[arg(long, global = true, env = "PERS_PROJECT_KEY", hide_env_values = true)]
    pub project_key: Option<String>,
    /// The identity provider's `accounts:signInWithPassword` URL for `login --email`. Default
    /// for a loopback API (a local sandbox): the sandbox's own identity path.
    #[arg(long, global = true, env = "PERS_IDENTITY_URL", value_name = "URL")]
    pub identity_url: Option<String>,
    /// Folder of the catalog, job journal and caches. Default: `pers-assets` in the
    /// platform's data folder (`~/.local/share/pers-assets` on Linux).
    #[arg(long, global = true, env = "PERS_CLI_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print one JSON object per line on stdout, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
}

/// A subcommand.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Prepare one image for upload: orient, convert to sRGB, resize, re-encode, strip
    /// metadata.
    Prepare(PrepareArgs),
    /// Print the output size that `prepare` would produce, read from the header only.
    Predict(PredictArgs),
    /// Sign in and save the session for the next commands.
    Login(LoginArgs),
    /// Forget the saved session.
    Logout,
    /// List the entities of one type that the session may see.
    Entities(EntitiesArgs),
    /// Prepare and upload files to an entity.
    Upload(UploadArgs),
    /// Finish the uploads that an earlier `upload` left unfinished, for example when it was
    /// killed.
    Resume(ResumeArgs),
    /// List the assets of an entity.
    Ls(LsArgs),
    /// Download one asset of an entity by its stored name.
    Get(GetArgs),
}

/// Arguments of `login`.
#[derive(Args, Debug)]
pub(crate) struct LoginArgs {
    /// The account's email.
    #[arg(long, required_unless_present = "token", conflicts_with = "token")]
    pub email: Option<String>,
    /// The account's password; used once and not saved.
    #[arg(long, env = "PERS_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// A token from the tenant's identity provider, exchanged as it is in place of an email
    /// and password.
    #[arg(long, env = "PERS_PROVIDER_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Sign in as a tenant admin or as business staff (default: business with --business,
    /// else tenant).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// The business to act for, when the account belongs to several.
    #[arg(long, value_name = "ID")]
    pub business: Option<String>,
}

/// Values of `--kind`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindArg {
    /// A tenant administrator.
    Tenant,
    /// Staff of a business.
    Business,
}

/// Arguments of `entities`.
#[derive(Args, Debug)]
pub(crate) struct EntitiesArgs {
    /// The entity type.
    #[arg(value_enum)]
    pub entity_type: EntityTypeArg,
}

/// Values of an entity type.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntityTypeArg {
    /// Campaigns.
    Campaign,
    /// Token contracts.
    Token,
    /// Redemption offers.
    Redemption,
    /// Businesses.
    Business,
    /// The tenant itself.
    Tenant,
    /// User accounts.
    User,
}

/// Arguments of `upload`.
#[derive(Args, Debug)]
pub(crate) struct UploadArgs {
    /// The entity, as TYPE/ID, for example `campaign/8cf9f429-…`.
    pub entity: String,
    /// Images or PDF documents to upload.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How many files are sent at once (default 4).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    #[command(flatten)]
    pub preset: PresetArgs,
}

/// Arguments of `resume`.
#[derive(Args, Debug)]
pub(crate) struct ResumeArgs {
    /// How many files are sent at once (default 4).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The preset for files that the interrupted upload had not prepared yet: give the same
    /// options as to that upload.
    #[command(flatten)]
    pub preset: PresetArgs,
}

/// Arguments of `ls`.
#[derive(Args, Debug)]
pub(crate) struct LsArgs {
    /// The entity, as TYPE/ID.
    pub entity: String,
}

/// Arguments of `get`.
#[derive(Args, Debug)]
pub(crate) struct GetArgs {
    /// The entity, as TYPE/ID.
    pub entity: String,
    /// The stored name, as `ls` lists it.
    pub name: String,
    /// Output file; `-` writes to stdout. An existing file is replaced.
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Arguments of `prepare`.
#[derive(Args, Debug)]
pub(crate) struct PrepareArgs {
    /// Input image. The format is read from the content, not the extension.
    pub input: PathBuf,
    /// Output file; `-` writes to stdout. Its extension is replaced when it does not match the
    /// output format.
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
