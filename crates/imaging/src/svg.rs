//! SVG rasterisation with resvg, from inline content only.

use std::sync::{Arc, OnceLock};

use image::{DynamicImage, RgbaImage};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, Options, Tree};

use crate::decode::check_dimensions;
use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::options::Limits;

/// Longest side an SVG is rasterised at. Larger drawings are scaled down to it, smaller ones
/// are drawn at their own size.
pub(crate) const SVG_MAX_EDGE: u32 = 4096;

/// Parses `bytes` as SVG with every external reference disabled.
///
/// `<image>` elements that name a file or URL resolve to nothing, so no file is read and no
/// request is made. `data:` URLs of nested SVG are drawn, and embedded raster images are
/// skipped, because resvg is built without its raster decoders. Scripts are never run: usvg
/// has no script engine. Text uses the fonts installed on the system.
fn parse(bytes: &[u8]) -> Result<Tree, ImagingError> {
    let mut options = Options {
        image_href_resolver: ImageHrefResolver {
            resolve_data: ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    };
    options.fontdb = system_fonts();
    Tree::from_data(bytes, &options).map_err(|error| ImagingError::Decode {
        format: SourceFormat::Svg,
        reason: error.to_string(),
    })
}

fn system_fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = usvg::fontdb::Database::new();
            database.load_system_fonts();
            Arc::new(database)
        })
        .clone()
}

/// Returns the raster size of a parsed drawing: its own size, scaled down so the longer side
/// is at most [`SVG_MAX_EDGE`], each side at least 1.
fn raster_size(tree: &Tree) -> (u32, u32) {
    let size = tree.size();
    let (width, height) = (f64::from(size.width()), f64::from(size.height()));
    let scale = (f64::from(SVG_MAX_EDGE) / width.max(height)).min(1.0);
    // Both sides are at most SVG_MAX_EDGE after scaling, so the casts cannot overflow.
    let side = |length: f64| ((length * scale).round() as u32).clamp(1, SVG_MAX_EDGE);
    (side(width), side(height))
}

/// Returns the size [`rasterise`] would draw `bytes` at, checked against `limits`.
pub(crate) fn planned_size(bytes: &[u8], limits: &Limits) -> Result<(u32, u32), ImagingError> {
    let (width, height) = raster_size(&parse(bytes)?);
    check_dimensions(width, height, limits)?;
    Ok((width, height))
}

/// Rasterises an SVG to RGBA at the size of [`planned_size`].
pub(crate) fn rasterise(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, ImagingError> {
    let tree = parse(bytes)?;
    let (width, height) = raster_size(&tree);
    check_dimensions(width, height, limits)?;
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| ImagingError::Decode {
        format: SourceFormat::Svg,
        reason: format!("a {width}x{height} canvas could not be allocated"),
    })?;
    let size = tree.size();
    let transform =
        Transform::from_scale(width as f32 / size.width(), height as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());

    // tiny-skia stores premultiplied alpha, and the rest of the pipeline expects straight.
    let samples: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|pixel| {
            let color = pixel.demultiply();
            [color.red(), color.green(), color.blue(), color.alpha()]
        })
        .collect();
    RgbaImage::from_raw(width, height, samples)
        .map(DynamicImage::ImageRgba8)
        .ok_or_else(|| ImagingError::Decode {
            format: SourceFormat::Svg,
            reason: "the rasterised canvas has the wrong size".to_owned(),
        })
}
