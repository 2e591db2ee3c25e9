// @vitest-environment jsdom
// Pause, resume and cancel in the upload queue, jobs resumed at sign-in, and a session that
// ends while a batch is uploading.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { testIds } from '../../lib/testids';
import { TestBackend, type RecordedUpload } from '../../lib/testBackend';
import type { EntityRef, UploadEvent } from '../../lib/types';

const campaign: EntityRef = { entityType: 'campaign', id: 'c1' };

function staffSession(backend: TestBackend) {
  backend.signInStaffWithCampaign();
}

function startedEvent(jobId: number, names: string[]): UploadEvent {
  return {
    event: 'started',
    jobId,
    entity: campaign,
    files: names.map((name, index) => ({ fileId: index, name, path: `/data/${name}` })),
  };
}

async function flush() {
  await Promise.resolve();
  await Promise.resolve();
}

/** Signs in, opens campaign c1 and drops two files; returns the recorded upload. */
async function uploading(backend: TestBackend): Promise<RecordedUpload> {
  staffSession(backend);
  render(App, { props: { backend } });
  await fireEvent.click(await screen.findByTestId(testIds.entityItem));
  await screen.findByTestId(testIds.dropZone);
  backend.emitDrag({ type: 'drop', paths: ['/data/a.jpg', '/data/b.jpg'] });
  await flush();
  const upload = backend.uploads[0];
  if (!upload) throw new Error('the drop started no upload');
  upload.emit(startedEvent(upload.jobId, ['a.jpg', 'b.jpg']));
  await screen.findAllByTestId(testIds.uploadRow);
  return upload;
}

function rowNamed(name: string): HTMLElement {
  const row = screen
    .getAllByTestId(testIds.uploadRow)
    .find((element) => within(element).getByTestId(testIds.uploadRowName).textContent === name);
  if (!row) throw new Error(`no upload row ${name}`);
  return row;
}

describe('job controls', () => {
  it('pauses and resumes a batch as the core reports it', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);

    await fireEvent.click(screen.getByTestId(testIds.uploadBatchPause));
    expect(backend.jobControls).toEqual([`pause ${upload.jobId}`]);

    upload.emit({ event: 'paused', jobId: upload.jobId });
    await flush();
    expect(screen.getByTestId(testIds.uploadBatchState).textContent).toBe('Paused');
    expect(screen.queryByTestId(testIds.uploadBatchPause)).toBeNull();

    await fireEvent.click(screen.getByTestId(testIds.uploadBatchResume));
    upload.emit({ event: 'resumed', jobId: upload.jobId });
    await flush();
    expect(backend.jobControls).toEqual([`pause ${upload.jobId}`, `resume ${upload.jobId}`]);
    expect(screen.queryByTestId(testIds.uploadBatchState)).toBeNull();
  });

  it('cancels one file and shows it cancelled when the core confirms', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);

    await fireEvent.click(within(rowNamed('b.jpg')).getByTestId(testIds.uploadRowCancel));
    expect(backend.jobControls).toEqual([`cancel ${upload.jobId}/1`]);
    expect(within(rowNamed('b.jpg')).getByTestId(testIds.uploadRowStage).textContent).toBe(
      'Cancelling…',
    );
    expect(within(rowNamed('a.jpg')).getByTestId(testIds.uploadRowStage).textContent).toBe(
      'Waiting',
    );

    upload.emit({
      event: 'fileFailed',
      jobId: upload.jobId,
      fileId: 1,
      code: 'CANCELLED',
      message: 'b.jpg: cancelled',
      retryable: true,
    });
    await flush();
    expect(within(rowNamed('b.jpg')).getByTestId(testIds.uploadRowStage).textContent).toBe(
      'Cancelled',
    );
    expect(within(rowNamed('b.jpg')).queryByTestId(testIds.uploadRowCancel)).toBeNull();
    expect(within(rowNamed('b.jpg')).queryByTestId(testIds.uploadRowRetry)).toBeNull();
    expect(within(rowNamed('b.jpg')).queryByTestId(testIds.uploadRowError)).toBeNull();
    const summary = screen.getByTestId(testIds.uploadBatch).textContent ?? '';
    expect(summary).toContain('1 cancelled');
    expect(summary).not.toContain('failed');
  });

  it('cancels the whole batch', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);

    await fireEvent.click(screen.getByTestId(testIds.uploadBatchCancel));

    expect(backend.jobControls).toEqual([`cancel ${upload.jobId}`]);
    const stages = screen
      .getAllByTestId(testIds.uploadRowStage)
      .map((element) => element.textContent);
    expect(stages).toEqual(['Cancelling…', 'Cancelling…']);
  });

  it('shows the predicted size until the prepared one is known', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);
    const output = () => within(rowNamed('a.jpg')).getByTestId(testIds.uploadRowOutput);

    upload.emit({
      event: 'filePredicted',
      jobId: upload.jobId,
      fileId: 0,
      width: 1600,
      height: 1200,
      estimatedBytes: 400_000,
      contentType: 'image/jpeg',
    });
    await flush();
    expect(output().dataset.estimated).toBe('true');
    expect(output().textContent).toContain('≈');
    expect(output().textContent).toContain('1600×1200');

    upload.emit({
      event: 'filePrepared',
      jobId: upload.jobId,
      fileId: 0,
      outputBytes: 350_000,
      width: 1600,
      height: 1200,
      contentType: 'image/jpeg',
    });
    await flush();
    expect(output().dataset.estimated).toBe('false');
    expect(output().textContent).not.toContain('≈');
  });

  it('says when a stored file is listed on this computer only', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);

    for (const [fileId, shared] of [
      [0, false],
      [1, true],
    ] as const) {
      upload.emit({
        event: 'fileDone',
        jobId: upload.jobId,
        fileId,
        fileName: `stored-${fileId}.jpg`,
        alreadyUploaded: false,
        shared,
      });
    }
    await flush();

    expect(within(rowNamed('a.jpg')).getByTestId(testIds.uploadRowNote).textContent).toContain(
      'this computer only',
    );
    expect(within(rowNamed('b.jpg')).queryByTestId(testIds.uploadRowNote)).toBeNull();
  });
});

describe('unfinished jobs', () => {
  it('resumes them at start and shows them under their entity', async () => {
    const backend = new TestBackend();
    staffSession(backend);
    backend.unfinishedJobs = [7];
    render(App, { props: { backend } });

    const notice = await screen.findByTestId(testIds.uploadResumedNotice);
    expect(notice.textContent).toContain('left unfinished last time');
    const handler = backend.resumed[0];
    if (!handler) throw new Error('the app did not resume unfinished jobs');
    handler(startedEvent(7, ['left-over.jpg']));
    await flush();
    expect(screen.getByTestId(testIds.uploadElsewhere).textContent).toBe(
      'Uploading to other entities too: Spring.',
    );

    await fireEvent.click(await screen.findByTestId(testIds.entityItem));
    expect(rowNamed('left-over.jpg')).toBeTruthy();

    handler({ event: 'finished', jobId: 7, done: 1, failed: 0 });
    await flush();
    expect(screen.queryByTestId(testIds.uploadResumedNotice)).toBeNull();
  });

  it('keeps a batch through an expired session and a new sign-in', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);

    // The core ends its session before it reports the expiry.
    backend.session = null;
    upload.emit({ event: 'sessionExpired', jobId: upload.jobId });
    const notice = await screen.findByTestId(testIds.signInSessionNotice);
    expect(notice.textContent).toContain('Your upload waits');

    await fireEvent.input(screen.getByTestId(testIds.signInPassword), {
      target: { value: 'demo-password' },
    });
    await fireEvent.click(screen.getByTestId(testIds.signInSubmit));
    await fireEvent.click(await screen.findByTestId(testIds.entityItem));
    expect(screen.getByTestId(testIds.uploadBatchState).textContent).toBe(
      'Waiting for you to sign in again',
    );

    upload.emit({ event: 'sessionResumed', jobId: upload.jobId });
    await flush();
    expect(screen.queryByTestId(testIds.uploadBatchState)).toBeNull();
    expect(screen.getAllByTestId(testIds.uploadRow)).toHaveLength(2);
    expect(backend.resumed).toHaveLength(2);
  });
});

describe('uploads to other entities', () => {
  it('names an entity not listed by type and short id', async () => {
    const backend = new TestBackend();
    staffSession(backend);
    backend.unfinishedJobs = [8];
    render(App, { props: { backend } });
    await screen.findByTestId(testIds.uploadResumedNotice);
    const handler = backend.resumed[0];
    if (!handler) throw new Error('the app did not resume unfinished jobs');

    handler({
      event: 'started',
      jobId: 8,
      entity: { entityType: 'token', id: 't-42' },
      files: [{ fileId: 0, name: 'other.jpg', path: '/data/other.jpg' }],
    });
    await flush();

    expect(screen.getByTestId(testIds.uploadElsewhere).textContent).toBe(
      'Uploading to other entities too: token t-42.',
    );
  });
});

describe('gallery during a batch', () => {
  it('shows a stored file before the batch ends', async () => {
    const backend = new TestBackend();
    const upload = await uploading(backend);
    expect(await screen.findByTestId(testIds.galleryEmpty)).toBeTruthy();

    backend.galleries.set('campaign/c1', {
      source: 'shared',
      items: [
        {
          fileName: 'a-0123456789ab-cdef0123.jpg',
          originalName: 'a.jpg',
          contentType: 'image/jpeg',
          sizeBytes: 3,
          uploadedAt: '2026-12-04T10:00:00Z',
          sha256: 'ab'.repeat(32),
        },
      ],
    });
    upload.emit({
      event: 'fileDone',
      jobId: upload.jobId,
      fileId: 0,
      fileName: 'a-0123456789ab-cdef0123.jpg',
      alreadyUploaded: false,
      shared: true,
    });

    expect(await screen.findByTestId(testIds.galleryItem)).toBeTruthy();
    expect(screen.queryByTestId(testIds.galleryEmpty)).toBeNull();
  });
});
