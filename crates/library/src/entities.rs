//! Entity listing names and "set as entity image": writing a stored file's URL into the
//! entity's image field.

use pers_api::{EntitySummary, EntityType, ImageUpdate, ImageUpdateSupport};
use serde::Serialize;

use crate::error::LibraryError;
use crate::session::SignedIn;
use crate::types::EntityRef;
use crate::{Library, manifest};

/// Whether the app can set an entity type's image field, as the entity screen shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityImageSupport {
    /// The entity type.
    pub entity_type: EntityType,
    /// True when [`Library::set_entity_image`] can set this type's image field.
    pub available: bool,
    /// The reason it cannot, as a sentence to show the user, or `None` when it can.
    pub reason: Option<String>,
}

impl EntityImageSupport {
    /// Returns the support of `entity_type`, as [`EntityType::image_update_support`] states it.
    pub fn of(entity_type: EntityType) -> Self {
        let reason = match entity_type.image_update_support() {
            ImageUpdateSupport::Available => None,
            ImageUpdateSupport::NotAvailable { reason } => Some(reason.to_owned()),
        };
        EntityImageSupport {
            entity_type,
            available: reason.is_none(),
            reason,
        }
    }
}

/// Returns what a listing of `entity_type` is called in error messages, such as
/// "listing businesses".
pub(crate) fn listing_context(entity_type: EntityType) -> String {
    let plural = match entity_type {
        EntityType::Campaign => "campaigns",
        EntityType::Token => "tokens",
        EntityType::Redemption => "redemptions",
        EntityType::Business => "businesses",
        EntityType::Tenant => "the tenant",
        EntityType::User => "users",
    };
    format!("listing {plural}")
}

impl Library {
    /// Sets the image field of `entity` to the URL of its stored file `file_name` (the stored
    /// name with extension, as a gallery item lists it), and returns the entity as the server
    /// returned it after the update.
    ///
    /// Only redemptions (`imageUrl`) and the tenant (`projectImageUrl`) can be set, and only by
    /// a tenant admin. For other types this fails with [`crate::ErrorCode::InvalidInput`]
    /// and the reason, without sending anything. Fails when `file_name` is not in the entity's
    /// gallery, and with the server's error (403 for business sessions) when the update is
    /// rejected.
    pub async fn set_entity_image(
        &self,
        entity: &EntityRef,
        file_name: &str,
    ) -> Result<EntitySummary, LibraryError> {
        if let ImageUpdateSupport::NotAvailable { reason } =
            entity.entity_type.image_update_support()
        {
            return Err(not_settable(entity.entity_type, reason));
        }
        let signed_in = self.current()?;
        let entry = self.catalog_entry(&signed_in, entity, file_name)?;
        let image_url = self.stored_file_url(&signed_in, entity, &entry).await?;
        let update = signed_in
            .api
            .set_entity_image(
                &signed_in.session,
                entity.entity_type,
                &entity.id,
                &image_url,
            )
            .await
            .map_err(|source| {
                LibraryError::api(format!("setting the image of {entity}"), source)
            })?;
        match update {
            ImageUpdate::Updated(summary) => {
                tracing::info!(%entity, file_name, "entity image set");
                Ok(summary)
            }
            ImageUpdate::NotAvailable {
                entity_type,
                reason,
            } => Err(not_settable(entity_type, reason)),
        }
    }

    /// Returns the URL written into the image field for a stored file: its signed PUT URL
    /// without the query string.
    ///
    /// NOTE: the PERS API documents no permanent or public URL of a stored object. The PUT URL
    /// without its query string is the object's address in storage and the most likely form.
    /// It loads only where the bucket serves objects without a signature.
    async fn stored_file_url(
        &self,
        signed_in: &SignedIn,
        entity: &EntityRef,
        entry: &manifest::ManifestEntry,
    ) -> Result<String, LibraryError> {
        let storage = signed_in.storage(&self.inner.transfer, entity);
        let signed = storage
            .sign_put(&entry.file_name, &entry.file_extension)
            .await?;
        // `Display` of a signed URL is scheme, host, port and path: the query is left out.
        Ok(signed.to_string())
    }
}

fn not_settable(entity_type: EntityType, reason: &str) -> LibraryError {
    LibraryError::InvalidRequest(format!(
        "the image of a {entity_type} cannot be set from the app: {reason}"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    use pers_api::AuthType;
    use pers_sandbox::{Sandbox, SandboxConfig, ServerKind};
    use tempfile::TempDir;

    use super::*;
    use crate::{ErrorCode, LibraryConfig, SignInRequest, UploadEvent};

    const ALL_TYPES: [EntityType; 6] = [
        EntityType::Campaign,
        EntityType::Token,
        EntityType::Redemption,
        EntityType::Business,
        EntityType::Tenant,
        EntityType::User,
    ];

    /// A sandbox and a library signed in to it; both live as long as this value.
    struct World {
        sandbox: Sandbox,
        library: Library,
        dirs: (TempDir, TempDir),
    }

    async fn signed_in(kind: AuthType) -> World {
        let sandbox_dir = tempfile::tempdir().unwrap();
        let library_dir = tempfile::tempdir().unwrap();
        let sandbox = pers_sandbox::start(SandboxConfig::new(sandbox_dir.path()))
            .await
            .unwrap();
        let library = Library::open(LibraryConfig::new(library_dir.path())).unwrap();
        library
            .sign_in(sign_in_request(&sandbox, kind))
            .await
            .unwrap();
        World {
            sandbox,
            library,
            dirs: (sandbox_dir, library_dir),
        }
    }

    fn sign_in_request(sandbox: &Sandbox, kind: AuthType) -> SignInRequest {
        let info = sandbox.info();
        let account_kind = if kind == AuthType::Tenant {
            "tenant"
        } else {
            "business"
        };
        let account = info
            .accounts
            .iter()
            .find(|account| account.kind == account_kind)
            .unwrap();
        SignInRequest {
            environment: "sandbox".to_owned(),
            base_url: info.base_url.clone(),
            identity_url: info.identity_url.clone(),
            project_key: info.project_key.clone(),
            email: account.email.clone(),
            password: account.password.clone(),
            provider_token: None,
            kind,
            business_id: None,
        }
    }

    /// Uploads one small PNG to `entity` and returns its stored name with extension.
    async fn upload_png(world: &World, entity: &EntityRef) -> String {
        let path = world.dirs.1.path().join("logo.png");
        write_png(&path);
        let events = world
            .library
            .upload(entity.clone(), vec![path])
            .await
            .unwrap();
        let stored = events.iter().find_map(|event| match event {
            UploadEvent::FileDone { file_name, .. } => Some(file_name.clone()),
            _ => None,
        });
        stored.unwrap_or_else(|| panic!("the upload did not finish: {events:?}"))
    }

    fn write_png(path: &Path) {
        let image =
            image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 16, 40, y as u8]));
        image.save(path).unwrap();
    }

    async fn first_of(library: &Library, entity_type: EntityType) -> EntityRef {
        let entities = library.list_entities(entity_type).await.unwrap();
        let first = entities.first().unwrap();
        EntityRef {
            entity_type,
            id: first.id.clone(),
        }
    }

    fn put_requests(sandbox: &Sandbox) -> Vec<String> {
        sandbox
            .faults()
            .requests()
            .into_iter()
            .filter(|record| record.server == ServerKind::Api && record.method == "PUT")
            .map(|record| record.path)
            .collect()
    }

    #[tokio::test]
    async fn admin_lists_all_six_types() {
        let world = signed_in(AuthType::Tenant).await;

        for entity_type in ALL_TYPES {
            let entities = world.library.list_entities(entity_type).await.unwrap();

            assert!(!entities.is_empty(), "the sandbox seeds {entity_type}s");
            for entity in &entities {
                assert_eq!(entity.entity_type, entity_type);
                assert!(!entity.display_name.trim().is_empty(), "{entity:?}");
            }
        }
        let tenants = world
            .library
            .list_entities(EntityType::Tenant)
            .await
            .unwrap();
        assert_eq!(tenants.len(), 1, "there is one tenant: {tenants:?}");
        let users = world.library.list_entities(EntityType::User).await.unwrap();
        assert!(
            users.iter().all(|user| user.image_url.is_none()),
            "users have no image field: {users:?}"
        );
    }

    #[tokio::test]
    async fn staff_cannot_list_users() {
        let world = signed_in(AuthType::Business).await;

        let error = world
            .library
            .list_entities(EntityType::User)
            .await
            .unwrap_err();

        assert_eq!(error.code(), ErrorCode::Rejected, "{error}");
        assert!(error.to_string().starts_with("listing users"), "{error}");
    }

    #[tokio::test]
    async fn staff_lists_own_business() {
        let world = signed_in(AuthType::Business).await;

        let businesses = world
            .library
            .list_entities(EntityType::Business)
            .await
            .unwrap();

        assert_eq!(businesses.len(), 1, "{businesses:?}");
        let session = world.library.session_info().unwrap();
        assert_eq!(Some(&businesses[0].id), session.business_id.as_ref());
    }

    #[tokio::test]
    async fn redemption_image_set_from_gallery() {
        let world = signed_in(AuthType::Tenant).await;
        let entity = first_of(&world.library, EntityType::Redemption).await;
        let file_name = upload_png(&world, &entity).await;

        let summary = world
            .library
            .set_entity_image(&entity, &file_name)
            .await
            .unwrap();

        let image_url = summary.image_url.clone().unwrap();
        let storage_url = &world.sandbox.info().storage_url;
        assert!(image_url.starts_with(storage_url.as_str()), "{image_url}");
        assert!(image_url.ends_with(&file_name), "{image_url}");
        assert!(
            image_url.contains(&format!("/redemption/{}/", entity.id)),
            "{image_url}"
        );
        assert!(
            !image_url.contains('?'),
            "no signature is stored: {image_url}"
        );
        assert_eq!(summary.id, entity.id);
        let listed = world
            .library
            .list_entities(EntityType::Redemption)
            .await
            .unwrap();
        let reread = listed.iter().find(|item| item.id == entity.id).unwrap();
        assert_eq!(reread.image_url.as_deref(), Some(image_url.as_str()));
    }

    #[tokio::test]
    async fn tenant_image_set_from_gallery() {
        let world = signed_in(AuthType::Tenant).await;
        let entity = first_of(&world.library, EntityType::Tenant).await;
        let file_name = upload_png(&world, &entity).await;

        let summary = world
            .library
            .set_entity_image(&entity, &file_name)
            .await
            .unwrap();

        let image_url = summary.image_url.unwrap();
        assert!(image_url.ends_with(&file_name), "{image_url}");
        assert_eq!(put_requests(&world.sandbox), vec!["/v2/tenants".to_owned()]);
        let tenant = world
            .library
            .list_entities(EntityType::Tenant)
            .await
            .unwrap();
        assert_eq!(tenant[0].image_url.as_deref(), Some(image_url.as_str()));
    }

    #[tokio::test]
    async fn campaign_image_is_not_settable() {
        let world = signed_in(AuthType::Tenant).await;
        let entity = first_of(&world.library, EntityType::Campaign).await;
        let file_name = upload_png(&world, &entity).await;

        let error = world
            .library
            .set_entity_image(&entity, &file_name)
            .await
            .unwrap_err();

        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
        assert!(error.to_string().contains("campaign update"), "{error}");
        assert!(put_requests(&world.sandbox).is_empty(), "nothing is sent");
    }

    #[tokio::test]
    async fn staff_redemption_image_is_rejected() {
        let world = signed_in(AuthType::Tenant).await;
        let entity = first_of(&world.library, EntityType::Redemption).await;
        let file_name = upload_png(&world, &entity).await;
        let staff = sign_in_request(&world.sandbox, AuthType::Business);
        world.library.sign_in(staff).await.unwrap();

        let error = world
            .library
            .set_entity_image(&entity, &file_name)
            .await
            .unwrap_err();

        assert_eq!(error.code(), ErrorCode::Rejected, "{error}");
        assert!(
            put_requests(&world.sandbox).is_empty(),
            "nothing is updated"
        );
    }

    #[tokio::test]
    async fn unknown_file_is_invalid_request() {
        let world = signed_in(AuthType::Tenant).await;
        let entity = first_of(&world.library, EntityType::Redemption).await;

        let error = world
            .library
            .set_entity_image(&entity, "missing-0000.png")
            .await
            .unwrap_err();

        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
        assert!(error.to_string().contains("missing-0000.png"), "{error}");
        assert!(put_requests(&world.sandbox).is_empty(), "nothing is sent");
    }

    #[test]
    fn support_matches_documented_updates() {
        let available: Vec<EntityType> = ALL_TYPES
            .into_iter()
            .filter(|entity_type| EntityImageSupport::of(*entity_type).available)
            .collect();

        assert_eq!(available, vec![EntityType::Redemption, EntityType::Tenant]);
        let users = EntityImageSupport::of(EntityType::User);
        assert_eq!(
            users.reason.as_deref(),
            Some("PERS users have no image field")
        );
        let value = serde_json::to_value(EntityImageSupport::of(EntityType::Tenant)).unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "entityType": "tenant", "available": true, "reason": null })
        );
    }

    #[test]
    fn listing_context_spells_plurals() {
        assert_eq!(listing_context(EntityType::Business), "listing businesses");
        assert_eq!(listing_context(EntityType::Tenant), "listing the tenant");
    }
}
