import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES, entityKey, entityTypeInfo, filterEntities } from './entities';
import type { EntitySummary } from './types';

function campaign(id: string, displayName: string): EntitySummary {
  return { entityType: 'campaign', id, displayName };
}

const entities = [
  campaign('1', 'Summer Espresso Week'),
  campaign('2', 'Café Crème Loyalty'),
  campaign('3', 'Winter Warmers'),
];

describe('filterEntities', () => {
  it('returns every entity for an empty or blank query', () => {
    expect(filterEntities(entities, '')).toEqual(entities);
    expect(filterEntities(entities, '   ')).toEqual(entities);
  });

  it('matches part of the name regardless of case', () => {
    expect(filterEntities(entities, 'ESPRESSO').map((e) => e.id)).toEqual(['1']);
    expect(filterEntities(entities, 'w').map((e) => e.id)).toEqual(['1', '3']);
  });

  it('ignores accents on either side', () => {
    expect(filterEntities(entities, 'cafe creme').map((e) => e.id)).toEqual(['2']);
    expect(filterEntities([campaign('4', 'Cafe')], 'café').map((e) => e.id)).toEqual(['4']);
  });

  it('returns nothing when no name matches', () => {
    expect(filterEntities(entities, 'tea')).toEqual([]);
  });
});

describe('entityKey', () => {
  it('differs between entity types with the same id', () => {
    expect(entityKey({ entityType: 'campaign', id: '7' })).not.toBe(
      entityKey({ entityType: 'token', id: '7' }),
    );
  });
});

describe('ENTITY_TYPES', () => {
  it('lists each of the six types once', () => {
    const types = ENTITY_TYPES.map((info) => info.type);
    expect(types).toEqual(['campaign', 'token', 'redemption', 'business', 'tenant', 'user']);
  });

  it('gives users no image field and the tenant projectImageUrl', () => {
    expect(entityTypeInfo('user').imageField).toBeNull();
    expect(entityTypeInfo('tenant').imageField).toBe('projectImageUrl');
    expect(entityTypeInfo('redemption').imageField).toBe('imageUrl');
  });
});
