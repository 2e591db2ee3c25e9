//! The `ls` and `get` commands.

use std::io::Write;
use std::path::Path;

use pers_library::{EntityRef, ErrorCode, Gallery, GallerySource, Library};

use crate::args::{GetArgs, GlobalArgs, LsArgs};
use crate::connect::Context;
use crate::entities::{entity_error, parse_entity};
use crate::error::CommandError;
use crate::output::{Output, printable};

/// Prints an entity's assets, newest first: stored name, size in bytes, content type and the
/// original name. A notice about an incomplete list goes to stderr.
pub(crate) async fn ls(
    context: &Context,
    global: &GlobalArgs,
    args: &LsArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let entity = parse_entity(&args.entity)?;
    let (library, mut remembered) = context.signed_in_library(global, |_| {}).await?;
    let gallery = gallery_of(&library, &entity).await;
    context.save_refreshed(&library, &mut remembered).await?;
    let gallery = gallery?;
    if let Some(notice) = &gallery.notice {
        eprintln!("pers-assets: {notice}");
    } else if gallery.source == GallerySource::Local {
        eprintln!("pers-assets: listing this computer's catalog, not the shared manifest");
    }
    for item in &gallery.items {
        if output.json {
            output.json_line(item);
        } else {
            say!(
                "{}\t{}\t{}\t{}",
                printable(&item.file_name),
                item.size_bytes,
                printable(&item.content_type),
                printable(&item.original_name)
            );
        }
    }
    Ok(())
}

/// Lists the entity's gallery; an entity the server does not know is a usage error naming it.
async fn gallery_of(library: &Library, entity: &EntityRef) -> Result<Gallery, CommandError> {
    library
        .gallery(entity)
        .await
        .map_err(|error| entity_error(entity, error))
}

/// Downloads one asset, checked against the manifest's hash, to `-o FILE` or stdout.
///
/// The file is written beside its final path and renamed, so a failed download leaves no
/// partial file.
pub(crate) async fn get(
    context: &Context,
    global: &GlobalArgs,
    args: &GetArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let entity = parse_entity(&args.entity)?;
    let (library, mut remembered) = context.signed_in_library(global, |_| {}).await?;
    let bytes = download(&library, &entity, &args.name).await;
    context.save_refreshed(&library, &mut remembered).await?;
    let bytes = bytes?;
    if args.output == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(|source| CommandError::Write {
                path: args.output.clone(),
                source,
            });
    }
    write_atomically(&args.output, &bytes)?;
    if output.json {
        output.json_line(&serde_json::json!({
            "fileName": args.name,
            "path": args.output,
            "sizeBytes": bytes.len(),
        }));
    } else {
        say!("{}: {} bytes", args.output.display(), bytes.len());
    }
    Ok(())
}

/// Downloads `name`. The core looks the name up in its local catalog, so when it is missing
/// there the gallery is listed once, which refreshes the catalog from the shared manifest.
///
/// Fails with a usage error when the gallery has no asset of that name.
async fn download(
    library: &Library,
    entity: &EntityRef,
    name: &str,
) -> Result<Vec<u8>, CommandError> {
    match library.download(entity, name).await {
        Err(error) if error.code() == ErrorCode::InvalidInput => {
            // NOTE: listing the gallery also makes every missing thumbnail, because the core
            // has no call that only refreshes the catalog.
            let gallery = gallery_of(library, entity).await?;
            if !gallery.items.iter().any(|item| item.file_name == name) {
                return Err(CommandError::Usage(format!(
                    "{name} is not in the gallery of {entity}: `pers-assets ls {entity}` lists \
                     the stored names"
                )));
            }
            Ok(library.download(entity, name).await?)
        }
        result => Ok(result?),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    let write_error = |source| CommandError::Write {
        path: path.to_owned(),
        source,
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| CommandError::Usage(format!("-o {} is not a file path", path.display())))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(file_name);
    partial_name.push(".partial");
    let partial = path.with_file_name(partial_name);
    std::fs::write(&partial, bytes).map_err(write_error)?;
    std::fs::rename(&partial, path).map_err(|source| {
        let _ = std::fs::remove_file(&partial);
        write_error(source)
    })
}
