//! The `entities` command and the `TYPE/ID` argument of the other commands.

use pers_library::{EntityRef, EntityType, LibraryError};

use crate::args::{EntitiesArgs, EntityTypeArg, GlobalArgs};
use crate::connect::Context;
use crate::error::CommandError;
use crate::output::{Output, printable};

/// The entity type names `TYPE/ID` accepts, in the order of the help text.
const TYPE_NAMES: &str = "campaign, token, redemption, business, tenant, user";

/// Prints the entities of one type, one per line: id, `active`, `inactive` or `-` when the
/// API sends no state, and the name.
pub(crate) async fn entities(
    context: &Context,
    global: &GlobalArgs,
    args: &EntitiesArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let (library, mut remembered) = context.signed_in_library(global, |_| {}).await?;
    let listed = library.list_entities(entity_type(args.entity_type)).await;
    context.save_refreshed(&library, &mut remembered).await?;
    for entity in listed? {
        if output.json {
            output.json_line(&entity);
        } else {
            let state = match entity.is_active {
                Some(true) => "active",
                Some(false) => "inactive",
                None => "-",
            };
            say!(
                "{}\t{state}\t{}",
                printable(&entity.id),
                printable(&entity.display_name)
            );
        }
    }
    Ok(())
}

/// Returns the core's entity type of `--entity-type` values.
pub(crate) fn entity_type(value: EntityTypeArg) -> EntityType {
    match value {
        EntityTypeArg::Campaign => EntityType::Campaign,
        EntityTypeArg::Token => EntityType::Token,
        EntityTypeArg::Redemption => EntityType::Redemption,
        EntityTypeArg::Business => EntityType::Business,
        EntityTypeArg::Tenant => EntityType::Tenant,
        EntityTypeArg::User => EntityType::User,
    }
}

/// Parses `TYPE/ID`, such as `campaign/8cf9f429-0301-4dc3-a65b-d69f4fef02ab`.
///
/// Fails with a usage error naming the value when the type is unknown or the id is empty.
/// Maps a failure about `entity` to a usage error that names it when the API reported that the
/// entity does not exist for this session, and to the core's error otherwise.
pub(crate) fn entity_error(entity: &EntityRef, error: LibraryError) -> CommandError {
    if !error.is_missing_entity() {
        return CommandError::Library(error);
    }
    CommandError::Usage(format!(
        "{}/{}: the server does not know this entity for this session ({error}); list the ids \
         with `pers-assets entities {}`",
        entity.entity_type.as_str(),
        entity.id,
        entity.entity_type.as_str()
    ))
}

pub(crate) fn parse_entity(value: &str) -> Result<EntityRef, CommandError> {
    let Some((type_name, id)) = value.split_once('/') else {
        return Err(CommandError::Usage(format!(
            "{value} is not TYPE/ID: write the entity as, for example, campaign/ID (ids are \
             listed by `pers-assets entities TYPE`)"
        )));
    };
    let entity_type = match type_name.to_ascii_lowercase().as_str() {
        "campaign" => EntityType::Campaign,
        "token" => EntityType::Token,
        "redemption" => EntityType::Redemption,
        "business" => EntityType::Business,
        "tenant" => EntityType::Tenant,
        "user" => EntityType::User,
        _ => {
            return Err(CommandError::Usage(format!(
                "{type_name} in {value} is not an entity type: use one of {TYPE_NAMES}"
            )));
        }
    };
    let id = id.trim();
    if id.is_empty() || id.contains('/') {
        return Err(CommandError::Usage(format!(
            "{value} has no valid id after the type: write TYPE/ID with one id, as listed by \
             `pers-assets entities {type_name}`"
        )));
    }
    Ok(EntityRef {
        entity_type,
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_argument_parses() {
        let entity = parse_entity("Campaign/abc-1").ok();
        assert_eq!(
            entity,
            Some(EntityRef {
                entity_type: EntityType::Campaign,
                id: "abc-1".to_owned()
            })
        );
    }

    #[test]
    fn bad_entity_arguments_are_rejected() {
        for value in ["campaign", "campaign/", "planet/1", "token/a/b", "/1"] {
            assert!(parse_entity(value).is_err(), "{value}");
        }
    }
}
