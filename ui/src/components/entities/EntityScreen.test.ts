// @vitest-environment jsdom
// The entity screen: one tab per entity type, and each entity's image field.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { BackendError } from '../../lib/backend';
import { ENTITY_TYPES } from '../../lib/entities';
import { testIds } from '../../lib/testids';
import { TestBackend } from '../../lib/testBackend';
import type { EntitySummary, EntityType } from '../../lib/types';

const TAB_IDS: Record<EntityType, string> = {
  campaign: testIds.entityTabCampaign,
  token: testIds.entityTabToken,
  redemption: testIds.entityTabRedemption,
  business: testIds.entityTabBusiness,
  tenant: testIds.entityTabTenant,
  user: testIds.entityTabUser,
};

function summary(entityType: EntityType, id: string, imageUrl: string | null): EntitySummary {
  return { entityType, id, displayName: `${entityType} ${id}`, imageUrl };
}

/** Renders the app already signed in as a tenant admin, with one entity of each type. */
async function signedInApp(): Promise<TestBackend> {
  const backend = new TestBackend();
  backend.session = {
    environment: 'sandbox',
    baseUrl: 'http://127.0.0.1:1/v2',
    email: 'admin@demo.pers.test',
    kind: 'tenant',
  };
  for (const { type } of ENTITY_TYPES) {
    const imageUrl = type === 'user' ? null : `https://cdn.example/${type}.png`;
    backend.entities[type] = [summary(type, '1', imageUrl)];
  }
  render(App, { props: { backend } });
  await screen.findByTestId(testIds.entityList);
  return backend;
}

async function openFirst(type: EntityType) {
  await fireEvent.click(screen.getByTestId(TAB_IDS[type]));
  const items = await screen.findAllByTestId(testIds.entityItem);
  const item = items.find((element) => element.textContent?.includes(`${type} 1`));
  expect(item, `${type} 1 is listed`).toBeDefined();
  await fireEvent.click(item!);
  await screen.findByTestId(testIds.entityDetail);
}

describe('entity screen', () => {
  it('has a tab for each of the six types', async () => {
    await signedInApp();

    for (const { type } of ENTITY_TYPES) {
      await fireEvent.click(screen.getByTestId(TAB_IDS[type]));
      const item = await screen.findByText(`${type} 1`);
      expect(item.closest('[data-testid="entity-item"]')).not.toBeNull();
    }
  });

  it('shows the image field of a tenant by its name', async () => {
    await signedInApp();

    await openFirst('tenant');

    const field = screen.getByTestId(testIds.entityImageUrl);
    expect(field.textContent).toBe('https://cdn.example/tenant.png');
    expect(field.parentElement?.textContent).toContain('projectImageUrl');
  });

  it('says users have no image field', async () => {
    await signedInApp();

    await openFirst('user');

    expect(screen.getByTestId(testIds.entityNoImageField).textContent).toContain('No image field');
    expect(screen.queryByTestId(testIds.entityImageUrl)).toBeNull();
    expect(screen.getByTestId(testIds.entityItem).textContent).toContain('no image field');
  });

  it('marks an entity whose image field is empty', async () => {
    const backend = await signedInApp();
    backend.entities.redemption = [summary('redemption', '1', null)];

    await openFirst('redemption');

    expect(screen.getByTestId(testIds.entityImageUrl).textContent).toBe('(empty)');
    expect(screen.getByTestId(testIds.entityItem).textContent).toContain('no image');
  });
});

/** Opens the first gallery item of the first entity of `type`, whose gallery has one image. */
async function openGalleryItem(backend: TestBackend, type: EntityType) {
  backend.galleries.set(`${type}/1`, {
    source: 'shared',
    items: [
      {
        fileName: 'logo-1a2b.png',
        originalName: 'logo.png',
        contentType: 'image/png',
        sizeBytes: 1200,
        uploadedAt: '2026-01-02T03:04:05Z',
        sha256: 'ab'.repeat(32),
      },
    ],
  });
  await openFirst(type);
  await fireEvent.click(await screen.findByTestId(testIds.galleryItem));
  await screen.findByTestId(testIds.previewModal);
}

describe('set as entity image', () => {
  it('updates the redemption image field shown', async () => {
    const backend = await signedInApp();
    await openGalleryItem(backend, 'redemption');
    const button = (await screen.findByTestId(testIds.previewSetImage)) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(screen.getByTestId(testIds.previewSetImageHelp).textContent).toContain(
      'without the signature',
    );

    await fireEvent.click(button);

    await screen.findByTestId(testIds.previewSetImageDone);
    expect(backend.imageUpdates).toEqual(['redemption/1/logo-1a2b.png']);
    expect(screen.getByTestId(testIds.entityImageUrl).textContent).toBe(
      'https://storage.test/redemption/1/logo-1a2b.png',
    );
  });

  it('keeps the new field when the entity is picked again', async () => {
    const backend = await signedInApp();
    await openGalleryItem(backend, 'tenant');
    await fireEvent.click(await screen.findByTestId(testIds.previewSetImage));
    await screen.findByTestId(testIds.previewSetImageDone);
    await fireEvent.click(screen.getByTestId(testIds.previewClose));

    await fireEvent.click(screen.getByTestId(testIds.entityTabCampaign));
    await openFirst('tenant');

    expect(screen.getByTestId(testIds.entityImageUrl).textContent).toBe(
      'https://storage.test/tenant/1/logo-1a2b.png',
    );
  });

  it('is disabled with the reason for campaigns', async () => {
    const backend = await signedInApp();
    await openGalleryItem(backend, 'campaign');

    const button = (await screen.findByTestId(testIds.previewSetImage)) as HTMLButtonElement;

    expect(button.disabled).toBe(true);
    expect(screen.getByTestId(testIds.previewSetImageReason).textContent).toBe(
      'A campaign image cannot be set.',
    );
    expect(screen.queryByTestId(testIds.previewSetImageHelp)).toBeNull();
  });

  it('shows the server error', async () => {
    const backend = await signedInApp();
    backend.setImageError = new BackendError('set_entity_image', 'REJECTED', 'Admins only.');
    await openGalleryItem(backend, 'redemption');

    await fireEvent.click(await screen.findByTestId(testIds.previewSetImage));

    const error = await screen.findByTestId(testIds.previewSetImageError);
    expect(error.textContent).toBe('Admins only.');
    expect(screen.getByTestId(testIds.entityImageUrl).textContent).toBe(
      'https://cdn.example/redemption.png',
    );
  });
});
