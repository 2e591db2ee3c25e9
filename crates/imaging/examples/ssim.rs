//! Prints the structural similarity (SSIM) of two images of the same size.
//!
//! Usage: `ssim A B`. Both files are decoded with the `image` crate and compared on their
//! luma (ITU-R BT.601 weights) with the standard SSIM of Wang et al. 2004: an 11x11
//! Gaussian window with sigma 1.5, K1 = 0.01 and K2 = 0.03 for 8-bit samples, averaged over
//! every window that fits inside the image. 1.0 means identical.

use std::process::ExitCode;

const WINDOW_RADIUS: usize = 5;
const SIGMA: f64 = 1.5;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [first, second] = arguments.as_slice() else {
        eprintln!("usage: ssim A B (two image files of the same size)");
        return ExitCode::from(2);
    };
    match compare(first, second) {
        Ok(value) => {
            println!("{value:.4}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("ssim: {message}");
            ExitCode::FAILURE
        }
    }
}

fn compare(first: &str, second: &str) -> Result<f64, String> {
    let a = load_luma(first)?;
    let b = load_luma(second)?;
    if (a.width, a.height) != (b.width, b.height) {
        return Err(format!(
            "{first} is {}x{} and {second} is {}x{}: the sizes must match",
            a.width, a.height, b.width, b.height
        ));
    }
    let window = 2 * WINDOW_RADIUS + 1;
    if a.width < window || a.height < window {
        return Err(format!(
            "the images are smaller than the {window}x{window} window"
        ));
    }
    Ok(ssim(&a, &b))
}

/// Luma samples from 0 to 255, row by row.
struct Luma {
    width: usize,
    height: usize,
    samples: Vec<f64>,
}

fn load_luma(path: &str) -> Result<Luma, String> {
    let image = image::open(path).map_err(|error| format!("reading {path} failed: {error}"))?;
    let rgb = image.to_rgb8();
    let samples = rgb
        .pixels()
        .map(|pixel| {
            let [r, g, b] = pixel.0.map(f64::from);
            0.299 * r + 0.587 * g + 0.114 * b
        })
        .collect();
    Ok(Luma {
        width: rgb.width() as usize,
        height: rgb.height() as usize,
        samples,
    })
}

fn gaussian_kernel() -> Vec<f64> {
    let weights: Vec<f64> = (0..=2 * WINDOW_RADIUS)
        .map(|i| {
            let offset = i as f64 - WINDOW_RADIUS as f64;
            (-offset * offset / (2.0 * SIGMA * SIGMA)).exp()
        })
        .collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|weight| weight / total).collect()
}

/// Gaussian-weighted means over every window that fits inside the image, as a
/// (width - 10) x (height - 10) grid, computed separably.
fn blur(samples: &[f64], width: usize, height: usize, kernel: &[f64]) -> Vec<f64> {
    let out_width = width - 2 * WINDOW_RADIUS;
    let out_height = height - 2 * WINDOW_RADIUS;
    let mut rows = vec![0.0; out_width * height];
    for y in 0..height {
        for x in 0..out_width {
            rows[y * out_width + x] = kernel
                .iter()
                .enumerate()
                .map(|(k, weight)| weight * samples[y * width + x + k])
                .sum();
        }
    }
    let mut output = vec![0.0; out_width * out_height];
    for y in 0..out_height {
        for x in 0..out_width {
            output[y * out_width + x] = kernel
                .iter()
                .enumerate()
                .map(|(k, weight)| weight * rows[(y + k) * out_width + x])
                .sum();
        }
    }
    output
}

fn ssim(a: &Luma, b: &Luma) -> f64 {
    const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);
    let kernel = gaussian_kernel();
    let (width, height) = (a.width, a.height);
    let product = |f: fn(f64, f64) -> f64| -> Vec<f64> {
        a.samples
            .iter()
            .zip(&b.samples)
            .map(|(&x, &y)| f(x, y))
            .collect()
    };
    let mean_a = blur(&a.samples, width, height, &kernel);
    let mean_b = blur(&b.samples, width, height, &kernel);
    let mean_aa = blur(&product(|x, _| x * x), width, height, &kernel);
    let mean_bb = blur(&product(|_, y| y * y), width, height, &kernel);
    let mean_ab = blur(&product(|x, y| x * y), width, height, &kernel);
    let count = mean_a.len();
    let total: f64 = (0..count)
        .map(|i| {
            let (mu_a, mu_b) = (mean_a[i], mean_b[i]);
            let variance_a = mean_aa[i] - mu_a * mu_a;
            let variance_b = mean_bb[i] - mu_b * mu_b;
            let covariance = mean_ab[i] - mu_a * mu_b;
            ((2.0 * mu_a * mu_b + C1) * (2.0 * covariance + C2))
                / ((mu_a * mu_a + mu_b * mu_b + C1) * (variance_a + variance_b + C2))
        })
        .sum();
    total / count as f64
}
