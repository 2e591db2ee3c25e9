import type { EntitySummary, EntityType } from './types';

/**
 * Returns the entities whose display name contains `query`, ignoring case, accents and the
 * spaces around the query. An empty query returns the list unchanged.
 */
export function filterEntities(entities: EntitySummary[], query: string): EntitySummary[] {
  const needle = normalize(query.trim());
  if (needle === '') return entities;
  return entities.filter((entity) => normalize(entity.displayName).includes(needle));
}

function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** Returns a stable key of an entity, for maps and comparisons. */
export function entityKey(entity: { entityType: string; id: string }): string {
  return `${entity.entityType}/${entity.id}`;
}

/** One entry of the entity screen's type tabs. */
export interface EntityTypeInfo {
  type: EntityType;
  /** Tab label, plural. */
  label: string;
  /** Name of one entity, for sentences such as "Pick a redemption". */
  singular: string;
  /**
   * The entity's image field as the PERS API names it, or `null` when the type has none (users).
   * Tokens keep their image in token metadata.
   */
  imageField: string | null;
}

/** The six entity types the files endpoint accepts, in the order the tabs show them. */
export const ENTITY_TYPES: readonly EntityTypeInfo[] = [
  { type: 'campaign', label: 'Campaigns', singular: 'campaign', imageField: 'imageUrl' },
  { type: 'token', label: 'Tokens', singular: 'token', imageField: 'metadata image' },
  { type: 'redemption', label: 'Redemptions', singular: 'redemption', imageField: 'imageUrl' },
  { type: 'business', label: 'Businesses', singular: 'business', imageField: 'imageUrl' },
  { type: 'tenant', label: 'Tenant', singular: 'tenant', imageField: 'projectImageUrl' },
  { type: 'user', label: 'Users', singular: 'user', imageField: null },
];

/** Returns the tab entry of `type`. */
export function entityTypeInfo(type: EntityType): EntityTypeInfo {
  return ENTITY_TYPES.find((info) => info.type === type) ?? ENTITY_TYPES[0];
}
