// @vitest-environment jsdom
// Retry and Remove in the upload queue, through the entity screen and the test backend.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { testIds } from '../../lib/testids';
import { TestBackend, type RecordedUpload } from '../../lib/testBackend';

function byTestId(id: string): HTMLElement {
  return screen.getByTestId(id);
}

/** Signs in, opens campaign c1, drops three files, and returns the recorded upload. */
async function droppedFiles(backend: TestBackend): Promise<RecordedUpload> {
  backend.signInStaffWithCampaign();
  render(App, { props: { backend } });
  await fireEvent.click(await screen.findByTestId(testIds.entityItem));
  await screen.findByTestId(testIds.dropZone);

  backend.emitDrag({ type: 'drop', paths: ['/data/a.jpg', '/data/b.txt', '/data/c.jpg'] });
  await Promise.resolve();
  const upload = backend.uploads[0];
  if (!upload) throw new Error('the drop started no upload');
  upload.emit({
    event: 'started',
    jobId: upload.jobId,
    entity: upload.entity,
    files: upload.paths.map((path, index) => ({
      fileId: index + 1,
      name: path.split('/').pop() ?? path,
      path,
    })),
  });
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

async function finishWithFailures(upload: RecordedUpload) {
  const { jobId } = upload;
  upload.emit({
    event: 'fileDone',
    jobId,
    fileId: 1,
    fileName: 'a-1f.jpg',
    alreadyUploaded: false,
    shared: true,
  });
  upload.emit({
    event: 'fileFailed',
    jobId,
    fileId: 2,
    code: 'INVALID_INPUT',
    message: 'b.txt is not an image; choose a JPEG, PNG, WebP or GIF file.',
    retryable: false,
  });
  upload.emit({
    event: 'fileFailed',
    jobId,
    fileId: 3,
    code: 'NETWORK',
    message: 'c.jpg: the connection dropped; retry the file.',
    retryable: true,
  });
  upload.emit({ event: 'finished', jobId, done: 1, failed: 2 });
  await Promise.resolve();
}

describe('upload queue actions', () => {
  it('offers Retry only on a retryable failure', async () => {
    const backend = new TestBackend();
    const upload = await droppedFiles(backend);

    await finishWithFailures(upload);

    const permanent = rowNamed('b.txt');
    expect(within(permanent).queryByTestId(testIds.uploadRowRetry)).toBeNull();
    expect(within(permanent).getByTestId(testIds.uploadRowError).textContent).toContain(
      'choose a JPEG',
    );
    expect(within(rowNamed('c.jpg')).queryByTestId(testIds.uploadRowRetry)).not.toBeNull();
    expect(within(rowNamed('a.jpg')).queryByTestId(testIds.uploadRowRetry)).toBeNull();
  });

  it('retries the file in a new upload', async () => {
    const backend = new TestBackend();
    const upload = await droppedFiles(backend);
    await finishWithFailures(upload);

    await fireEvent.click(within(rowNamed('c.jpg')).getByTestId(testIds.uploadRowRetry));

    expect(backend.uploads).toHaveLength(2);
    expect(backend.uploads[1]?.paths).toEqual(['/data/c.jpg']);
    expect(within(rowNamed('c.jpg')).queryByTestId(testIds.uploadRowRetry)).toBeNull();
    expect(within(rowNamed('c.jpg')).getByTestId(testIds.uploadRowStage).textContent).toBe(
      'Retried in a new batch',
    );
    const summary = screen.getByTestId(testIds.uploadBatch).textContent ?? '';
    expect(summary).toContain('1 failed, 1 retried in a new batch');
  });

  it('removes one finished row', async () => {
    const backend = new TestBackend();
    const upload = await droppedFiles(backend);
    await finishWithFailures(upload);

    await fireEvent.click(within(rowNamed('b.txt')).getByTestId(testIds.uploadRowRemove));

    const names = screen
      .getAllByTestId(testIds.uploadRowName)
      .map((element) => element.textContent);
    expect(names).toEqual(['a.jpg', 'c.jpg']);
  });

  it('offers no Remove on a row in progress', async () => {
    const backend = new TestBackend();
    const upload = await droppedFiles(backend);

    upload.emit({ event: 'fileStage', jobId: upload.jobId, fileId: 1, stage: 'uploading' });
    await Promise.resolve();

    expect(within(rowNamed('a.jpg')).queryByTestId(testIds.uploadRowRemove)).toBeNull();
    expect(screen.queryByTestId(testIds.uploadRemoveFinished)).toBeNull();
  });

  it('removes every finished row at once', async () => {
    const backend = new TestBackend();
    const upload = await droppedFiles(backend);
    const { jobId } = upload;
    upload.emit({
      event: 'fileDone',
      jobId,
      fileId: 1,
      fileName: 'a-1f.jpg',
      alreadyUploaded: false,
      shared: true,
    });
    upload.emit({
      event: 'fileFailed',
      jobId,
      fileId: 2,
      code: 'INVALID_INPUT',
      message: 'b.txt is not an image.',
      retryable: false,
    });
    upload.emit({ event: 'fileStage', jobId, fileId: 3, stage: 'uploading' });
    await Promise.resolve();

    await fireEvent.click(byTestId(testIds.uploadRemoveFinished));

    const names = screen
      .getAllByTestId(testIds.uploadRowName)
      .map((element) => element.textContent);
    expect(names).toEqual(['c.jpg']);
  });
});
