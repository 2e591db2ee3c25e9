//! "Set as entity image": writing an uploaded image's URL into the entity's image field.

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::ApiClient;
use crate::entities::decode_object;
use crate::entity::{EntitySummary, EntityType};
use crate::error::ApiError;
use crate::redemption::Redemption;
use crate::response::BodySecrecy;
use crate::session::Session;
use crate::tenant::Tenant;

/// Whether the API documents an update that sets an entity type's image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageUpdateSupport {
    /// [`ApiClient::set_entity_image`] can set the image.
    Available,
    /// No documented update sets the image.
    NotAvailable {
        /// Why, in a sentence to show the user.
        reason: &'static str,
    },
}

/// The result of [`ApiClient::set_entity_image`].
#[derive(Clone, Debug)]
pub enum ImageUpdate {
    /// The server accepted the new image; the summary is the entity as it returned it.
    Updated(EntitySummary),
    /// Nothing was sent, because no documented update sets this type's image.
    NotAvailable {
        /// The entity type.
        entity_type: EntityType,
        /// Why, in a sentence to show the user.
        reason: &'static str,
    },
}

impl EntityType {
    /// Returns whether [`ApiClient::set_entity_image`] can set this type's image.
    ///
    /// Redemptions (`PUT /redemptions/{id}`, `imageUrl`) and the tenant (`PUT /tenants`,
    /// `projectImageUrl`) can. The other types have no documented update that sets an image.
    pub fn image_update_support(self) -> ImageUpdateSupport {
        let reason = match self {
            Self::Redemption | Self::Tenant => return ImageUpdateSupport::Available,
            Self::Campaign => "the PERS API does not document a campaign update that sets imageUrl",
            Self::Token => {
                "token images live in token metadata, and the PERS API does not document how to \
                 update it"
            }
            Self::Business => {
                "the PERS API does not document the business update or its image field"
            }
            Self::User => "PERS users have no image field",
        };
        ImageUpdateSupport::NotAvailable { reason }
    }
}

impl ApiClient {
    /// Sets the image of one entity to `image_url`, where the API documents an update:
    /// `PUT /redemptions/{id}` with `{"imageUrl"}`, or `PUT /tenants` with
    /// `{"projectImageUrl"}` (`entity_id` must then be the session's tenant). Both need a
    /// tenant admin session; the server's 403 is returned otherwise.
    ///
    /// Other types return [`ImageUpdate::NotAvailable`] without sending anything. Never
    /// retried, so a failed call can be repeated safely by the caller.
    #[tracing::instrument(skip_all, fields(entity_type = %entity_type, entity_id), err)]
    pub async fn set_entity_image(
        &self,
        session: &Session,
        entity_type: EntityType,
        entity_id: &str,
        image_url: &str,
    ) -> Result<ImageUpdate, ApiError> {
        if let ImageUpdateSupport::NotAvailable { reason } = entity_type.image_update_support() {
            return Ok(ImageUpdate::NotAvailable {
                entity_type,
                reason,
            });
        }
        let summary = if entity_type == EntityType::Tenant {
            let body = json!({ "projectImageUrl": image_url });
            let tenant: Tenant = self.put_object(session, "/tenants", &body).await?;
            tenant.summary()
        } else {
            let path = format!("/redemptions/{entity_id}");
            let body = json!({ "imageUrl": image_url });
            let redemption: Redemption = self.put_object(session, &path, &body).await?;
            redemption.summary()
        };
        tracing::info!(entity_id, "entity image set");
        Ok(ImageUpdate::Updated(summary))
    }

    async fn put_object<T: serde::de::DeserializeOwned>(
        &self,
        session: &Session,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        let url = self.endpoint(path);
        let response = self.send_with_session(session, Method::PUT, url, path, Some(body));
        let value: Value = response.await?.json(path, BodySecrecy::Public)?;
        decode_object(value, path)
    }
}
