//! The real app, driven over WebDriver: sign in, open a campaign, drop photos, see the gallery.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod driver;
mod ids;
mod resume_flow;
mod upload_flow;
