import { describe, expect, it } from 'vitest';
import type { EntityRef, UploadEvent } from '../types';
import {
  animationNote,
  applyUploadEvent,
  batchTotals,
  canRetry,
  emptyQueue,
  markRetried,
  removeFinished,
  removeRow,
  statusLabel,
  type QueueState,
} from './queue';

const entity: EntityRef = { entityType: 'campaign', id: 'c1' };

const started: UploadEvent = {
  event: 'started',
  jobId: 1,
  entity,
  files: [
    { fileId: 1, name: 'a.jpg', path: '/tmp/a.jpg', sizeBytes: 1000 },
    { fileId: 2, name: 'b.txt', path: '/tmp/b.txt', sizeBytes: 3000 },
  ],
  totalBytes: 4000,
};

function run(events: UploadEvent[], state: QueueState = emptyQueue): QueueState {
  return events.reduce((s, event) => applyUploadEvent(s, event), state);
}

function row(state: QueueState, fileId: number) {
  const found = state.batches[0]?.rows.find((r) => r.fileId === fileId);
  if (!found) throw new Error(`no row ${fileId}`);
  return found;
}

describe('applyUploadEvent', () => {
  it('adds one waiting row per started file', () => {
    const state = run([started]);

    expect(state.batches).toHaveLength(1);
    expect(state.batches[0]?.entity).toEqual(entity);
    expect(state.batches[0]?.rows.map((r) => r.name)).toEqual(['a.jpg', 'b.txt']);
    expect(row(state, 1).status).toBe('waiting');
    expect(row(state, 1).progress).toBe(0);
  });

  it('follows a file through its stages to done', () => {
    const state = run([
      started,
      { event: 'fileStage', jobId: 1, fileId: 1, stage: 'preparing' },
      {
        event: 'filePrepared',
        jobId: 1,
        fileId: 1,
        outputBytes: 800,
        width: 1600,
        height: 900,
        contentType: 'image/jpeg',
      },
      { event: 'fileStage', jobId: 1, fileId: 1, stage: 'uploading' },
      { event: 'fileProgress', jobId: 1, fileId: 1, bytesSent: 400, bytesTotal: 800 },
    ]);

    const a = row(state, 1);
    expect(a.status).toBe('uploading');
    expect(a.output).toEqual({
      bytes: 800,
      width: 1600,
      height: 900,
      contentType: 'image/jpeg',
      animation: null,
    });
    expect(a.bytesSent).toBe(400);
    expect(a.progress).toBeGreaterThan(0.2);
    expect(a.progress).toBeLessThan(0.95);

    const done = run(
      [
        {
          event: 'fileDone',
          jobId: 1,
          fileId: 1,
          fileName: 'a-1f2e.jpg',
          alreadyUploaded: false,
          shared: true,
        },
      ],
      state,
    );
    expect(row(done, 1).status).toBe('done');
    expect(row(done, 1).progress).toBe(1);
    expect(row(done, 1).storedName).toBe('a-1f2e.jpg');
  });

  it('never moves progress or bytes backwards', () => {
    const events: UploadEvent[] = [
      started,
      { event: 'fileStage', jobId: 1, fileId: 1, stage: 'uploading' },
      { event: 'fileProgress', jobId: 1, fileId: 1, bytesSent: 600, bytesTotal: 800 },
      // A re-signed retry sends the file again from the start.
      { event: 'fileStage', jobId: 1, fileId: 1, stage: 'signing' },
      { event: 'fileProgress', jobId: 1, fileId: 1, bytesSent: 100, bytesTotal: 800 },
      { event: 'fileProgress', jobId: 1, fileId: 1, bytesSent: 700, bytesTotal: 800 },
    ];

    let state = emptyQueue;
    let previous = 0;
    for (const event of events) {
      state = applyUploadEvent(state, event);
      const progress = row(state, 1).progress;
      expect(progress, `after ${event.event}`).toBeGreaterThanOrEqual(previous);
      previous = progress;
    }
    expect(row(state, 1).bytesSent).toBe(700);
  });

  it('keeps a failure with its reason while the rest goes on', () => {
    const state = run([
      started,
      {
        event: 'fileFailed',
        jobId: 1,
        fileId: 2,
        code: 'INVALID_INPUT',
        message: 'b.txt is not an image.',
        retryable: false,
      },
      {
        event: 'fileDone',
        jobId: 1,
        fileId: 1,
        fileName: 'a-1f2e.jpg',
        alreadyUploaded: true,
        shared: true,
      },
      // A late event for the failed file must not revive it.
      { event: 'fileStage', jobId: 1, fileId: 2, stage: 'uploading' },
    ]);

    expect(row(state, 2).status).toBe('failed');
    expect(row(state, 2).error?.message).toBe('b.txt is not an image.');
    expect(row(state, 1).status).toBe('done');
    expect(statusLabel(row(state, 1))).toBe('Already in gallery');
  });

  it('ignores events of unknown jobs and files', () => {
    const state = run([
      started,
      { event: 'fileStage', jobId: 99, fileId: 1, stage: 'uploading' },
      { event: 'fileStage', jobId: 1, fileId: 999, stage: 'uploading' },
    ]);

    expect(row(state, 1).status).toBe('waiting');
    expect(state.batches).toHaveLength(1);
  });

  it('does not add a batch twice for a repeated started event', () => {
    expect(run([started, started]).batches).toHaveLength(1);
  });
});

describe('batchTotals', () => {
  it('counts done and failed files and weighs progress by size', () => {
    const state = run([
      started,
      {
        event: 'fileDone',
        jobId: 1,
        fileId: 1,
        fileName: 'a.jpg',
        alreadyUploaded: false,
        shared: true,
      },
    ]);
    const batch = state.batches[0];
    if (!batch) throw new Error('no batch');

    const totals = batchTotals(batch);

    expect(totals.files).toBe(2);
    expect(totals.done).toBe(1);
    expect(totals.failed).toBe(0);
    // a is 1000 of the 4000 bytes.
    expect(totals.progress).toBeCloseTo(0.25);
  });

  it('reaches 1 when every file has finished, failed ones included', () => {
    const state = run([
      started,
      {
        event: 'fileDone',
        jobId: 1,
        fileId: 1,
        fileName: 'a.jpg',
        alreadyUploaded: false,
        shared: true,
      },
      {
        event: 'fileFailed',
        jobId: 1,
        fileId: 2,
        code: 'INVALID_INPUT',
        message: 'not an image',
        retryable: false,
      },
      { event: 'finished', jobId: 1, done: 1, failed: 1 },
    ]);
    const batch = state.batches[0];
    if (!batch) throw new Error('no batch');

    const totals = batchTotals(batch);

    expect(batch.finished).toBe(true);
    expect(totals.done).toBe(1);
    expect(totals.failed).toBe(1);
    expect(totals.progress).toBe(1);
  });

  it('weighs rows equally when a size is unknown', () => {
    const state = run([
      {
        event: 'started',
        jobId: 2,
        entity,
        files: [
          { fileId: 3, name: 'x.png', path: '/x.png', sizeBytes: 10 },
          { fileId: 4, name: 'y.png', path: '/y.png' },
        ],
      },
      {
        event: 'fileDone',
        jobId: 2,
        fileId: 4,
        fileName: 'y.png',
        alreadyUploaded: false,
        shared: true,
      },
    ]);
    const batch = state.batches[0];
    if (!batch) throw new Error('no batch');

    expect(batchTotals(batch).progress).toBeCloseTo(0.5);
  });
});

describe('markRetried', () => {
  it('flags only the given row', () => {
    const state = markRetried(run([started]), 1, 2);

    expect(row(state, 2).retried).toBe(true);
    expect(row(state, 1).retried).toBe(false);
  });
});

function failed(fileId: number, retryable: boolean, jobId = 1): UploadEvent {
  return {
    event: 'fileFailed',
    jobId,
    fileId,
    code: retryable ? 'NETWORK' : 'INVALID_INPUT',
    message: retryable ? 'The connection dropped.' : 'b.txt is not an image; choose an image.',
    retryable,
  };
}

describe('canRetry', () => {
  it('allows only a retryable failure', () => {
    const state = run([started, failed(1, true), failed(2, false)]);

    expect(canRetry(row(state, 1))).toBe(true);
    expect(canRetry(row(state, 2))).toBe(false);
  });

  it('allows no second retry', () => {
    const state = markRetried(run([started, failed(1, true)]), 1, 1);

    expect(canRetry(row(state, 1))).toBe(false);
  });

  it('allows no retry of a row in progress', () => {
    const state = run([started, { event: 'fileStage', jobId: 1, fileId: 1, stage: 'uploading' }]);

    expect(canRetry(row(state, 1))).toBe(false);
  });
});

describe('removeRow', () => {
  it('removes a finished row', () => {
    const state = run([
      started,
      {
        event: 'fileDone',
        jobId: 1,
        fileId: 1,
        fileName: 'a-1f2e.jpg',
        alreadyUploaded: false,
        shared: true,
      },
    ]);

    const after = removeRow(state, 1, 1);

    expect(after.batches[0]?.rows.map((r) => r.fileId)).toEqual([2]);
  });

  it('keeps a row in progress', () => {
    const state = run([started, { event: 'fileStage', jobId: 1, fileId: 2, stage: 'uploading' }]);

    const after = removeRow(state, 1, 2);

    expect(after.batches[0]?.rows).toHaveLength(2);
  });

  it('drops a batch left empty', () => {
    const state = run([
      started,
      failed(1, true),
      failed(2, false),
      { event: 'finished', jobId: 1, done: 0, failed: 2 },
    ]);

    const after = removeRow(removeRow(state, 1, 1), 1, 2);

    expect(after.batches).toHaveLength(0);
  });
});

describe('removeFinished', () => {
  const second: UploadEvent = {
    event: 'started',
    jobId: 2,
    entity,
    files: [{ fileId: 1, name: 'c.jpg', path: '/tmp/c.jpg', sizeBytes: 10 }],
  };

  it('removes done and failed rows and keeps the rest', () => {
    const state = run([
      started,
      {
        event: 'fileDone',
        jobId: 1,
        fileId: 1,
        fileName: 'a-1f2e.jpg',
        alreadyUploaded: false,
        shared: true,
      },
      second,
      failed(1, false, 2),
    ]);

    const after = removeFinished(state, state.batches);

    expect(after.batches.map((b) => b.jobId)).toEqual([1]);
    expect(after.batches[0]?.rows.map((r) => r.fileId)).toEqual([2]);
  });

  it('leaves batches outside the given ones', () => {
    const state = run([started, failed(1, false), second, failed(1, false, 2)]);
    const firstOnly = state.batches.filter((b) => b.jobId === 1);

    const after = removeFinished(state, firstOnly);

    expect(after.batches.map((b) => b.jobId)).toEqual([1, 2]);
    expect(after.batches[0]?.rows.map((r) => r.fileId)).toEqual([2]);
    expect(after.batches[1]?.rows).toHaveLength(1);
  });
});

describe('animationNote', () => {
  const output = { bytes: 1, width: 2, height: 2, contentType: 'image/gif' };

  it('says how an animation was kept', () => {
    expect(animationNote({ ...output, animation: { kind: 'resized', frames: 3 } })).toBe(
      '3 frames, all resized',
    );
    expect(animationNote({ ...output, animation: { kind: 'passedThrough', frames: 6 } })).toBe(
      '6 frames, uploaded unchanged',
    );
  });

  it('says nothing for a still image', () => {
    expect(animationNote({ ...output, animation: null })).toBeNull();
  });
});
