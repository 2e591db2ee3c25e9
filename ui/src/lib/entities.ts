import type { EntitySummary } from './types';

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
