// @vitest-environment jsdom
// A batch of 1,000 files through the queue: every row ends done and the summary counts them.
// The elapsed time is printed, not asserted (about 1.2 s in jsdom on a 2-core machine).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { testIds } from '../../lib/testids';
import { TestBackend } from '../../lib/testBackend';
import type { FileStage } from '../../lib/types';

const FILES = 1000;
const STAGES: FileStage[] = ['preparing', 'signing', 'uploading', 'verifying', 'recording'];

/** Runs a 1,000-file batch of events through the app with the queue's `eventFrameMs`. */
async function runLargeBatch(eventFrameMs: number) {
  const backend = new TestBackend();
  backend.signInStaffWithCampaign();
  render(App, { props: { backend, eventFrameMs } });
  await fireEvent.click(await screen.findByTestId(testIds.entityItem));
  await screen.findByTestId(testIds.dropZone);
  const paths = Array.from({ length: FILES }, (_, index) => `/data/file-${index}.pdf`);
  backend.emitDrag({ type: 'drop', paths });
  await Promise.resolve();
  await Promise.resolve();
  const upload = backend.uploads[0];
  if (!upload) throw new Error('the drop started no upload');

  const started = performance.now();
  upload.emit({
    event: 'started',
    jobId: upload.jobId,
    entity: { entityType: 'campaign', id: 'c1' },
    files: paths.map((path, fileId) => ({ fileId, name: `file-${fileId}.pdf`, path })),
  });
  for (let fileId = 0; fileId < FILES; fileId += 1) {
    for (const stage of STAGES) {
      upload.emit({ event: 'fileStage', jobId: upload.jobId, fileId, stage });
    }
    upload.emit({
      event: 'fileDone',
      jobId: upload.jobId,
      fileId,
      fileName: `file-${fileId}.pdf`,
      alreadyUploaded: false,
      shared: true,
    });
    // Events come from the core in separate tasks, so the page may render between them.
    if (fileId % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  upload.emit({ event: 'finished', jobId: upload.jobId, done: FILES, failed: 0 });
  await new Promise((resolve) => setTimeout(resolve, eventFrameMs + 10));
  const elapsed = Math.round(performance.now() - started);
  console.log(`large batch: ${FILES} files, events in frames of ${eventFrameMs} ms, ${elapsed} ms`);

  expect(screen.getAllByTestId(testIds.uploadRow)).toHaveLength(FILES);
  const stages = screen.getAllByTestId(testIds.uploadRowStage).map((each) => each.textContent);
  expect(stages.every((stage) => stage === 'Uploaded')).toBe(true);
  expect(screen.getByTestId(testIds.uploadBatch).textContent).toContain('1000 of 1000 uploaded');
}

describe('large batch', () => {
  it('ends with every row done', async () => {
    await runLargeBatch(0);
  }, 120_000);

  it('ends with every row done when events are applied per frame', async () => {
    await runLargeBatch(50);
  }, 120_000);
});
