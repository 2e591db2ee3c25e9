// State of the upload queue, built from the shell's `UploadEvent`s by a pure reducer.

import type { EntityRef, FileId, FileStage, JobId, UploadEvent } from '../types';

/** Status of one file: waiting for its first stage, in a stage, or finished either way. */
export type RowStatus = 'waiting' | FileStage | 'done' | 'failed';

/** The prepared output of one file, known after the `preparing` stage. */
export interface PreparedOutput {
  bytes: number;
  width: number;
  height: number;
  contentType: string;
}

/** One file of a batch, as the queue shows it. */
export interface UploadRow {
  fileId: FileId;
  name: string;
  path: string;
  sizeBytes: number | null;
  status: RowStatus;
  bytesSent: number;
  bytesTotal: number | null;
  /** Share of the file's work that is done, from 0 to 1. It never decreases. */
  progress: number;
  output: PreparedOutput | null;
  /** Stored file name, set when the file is done. */
  storedName: string | null;
  alreadyUploaded: boolean;
  error: { code: string; message: string; retryable: boolean } | null;
  /** Whether the user already started a retry of this failed file. */
  retried: boolean;
}

/** One upload job: the files dropped or picked together. */
export interface UploadBatch {
  jobId: JobId;
  entity: EntityRef;
  rows: UploadRow[];
  totalBytes: number | null;
  finished: boolean;
}

/** All batches of this app run, oldest first. */
export interface QueueState {
  batches: UploadBatch[];
}

/** Totals of one batch for its summary line and progress bar. */
export interface BatchTotals {
  files: number;
  done: number;
  failed: number;
  /** From 0 to 1; failed files count as finished, so a finished batch is at 1. */
  progress: number;
}

/** The empty queue. */
export const emptyQueue: QueueState = { batches: [] };

// Progress a file has reached when it enters each stage. Uploading fills the span from its own
// value to the next one in proportion to the bytes sent, since sending is most of the time.
const STAGE_PROGRESS: Record<FileStage, number> = {
  preparing: 0.02,
  signing: 0.15,
  uploading: 0.2,
  verifying: 0.95,
  recording: 0.97,
};

/**
 * Applies one event of the job that uploads to `entity` and returns the new state.
 *
 * Events of an unknown job or file are ignored, apart from `started`, which adds the batch. A
 * row's `progress` and `bytesSent` only ever grow, even when the core resends a file from the
 * start after a retry, so bars never jump back.
 */
export function applyUploadEvent(
  state: QueueState,
  event: UploadEvent,
  entity: EntityRef,
): QueueState {
  if (event.event === 'started') return addBatch(state, event, entity);

  return {
    batches: state.batches.map((batch) => {
      if (batch.jobId !== event.jobId) return batch;
      if (event.event === 'finished') return { ...batch, finished: true };
      return {
        ...batch,
        rows: batch.rows.map((row) => (row.fileId === event.fileId ? applyToRow(row, event) : row)),
      };
    }),
  };
}

function addBatch(
  state: QueueState,
  event: Extract<UploadEvent, { event: 'started' }>,
  entity: EntityRef,
): QueueState {
  const { jobId } = event;
  if (state.batches.some((batch) => batch.jobId === jobId)) return state;

  const rows = event.files.map((file): UploadRow => ({
    fileId: file.fileId,
    name: file.name,
    path: file.path,
    sizeBytes: file.sizeBytes ?? null,
    status: 'waiting',
    bytesSent: 0,
    bytesTotal: null,
    progress: 0,
    output: null,
    storedName: null,
    alreadyUploaded: false,
    error: null,
    retried: false,
  }));
  const batch = { jobId, entity, rows, totalBytes: event.totalBytes ?? null, finished: false };
  return { batches: [...state.batches, batch] };
}

type FileEvent = Exclude<UploadEvent, { event: 'started' } | { event: 'finished' }>;

function applyToRow(row: UploadRow, event: FileEvent): UploadRow {
  if (row.status === 'done' || row.status === 'failed') return row;

  switch (event.event) {
    case 'fileStage':
      return advance({ ...row, status: event.stage }, STAGE_PROGRESS[event.stage]);
    case 'filePrepared': {
      const { outputBytes, width, height, contentType } = event;
      return { ...row, output: { bytes: outputBytes, width, height, contentType } };
    }
    case 'fileProgress':
      return applyBytes(row, event.bytesSent, event.bytesTotal);
    case 'fileDone':
      return advance(
        {
          ...row,
          status: 'done',
          storedName: event.fileName,
          alreadyUploaded: event.alreadyUploaded,
        },
        1,
      );
    case 'fileFailed': {
      const { code, message, retryable } = event;
      return { ...row, status: 'failed', error: { code, message, retryable } };
    }
  }
}

function applyBytes(row: UploadRow, bytesSent: number, bytesTotal: number): UploadRow {
  const sent = Math.max(row.bytesSent, bytesSent);
  const share = bytesTotal > 0 ? Math.min(sent / bytesTotal, 1) : 0;
  const span = STAGE_PROGRESS.verifying - STAGE_PROGRESS.uploading;
  return advance(
    { ...row, status: 'uploading', bytesSent: sent, bytesTotal },
    STAGE_PROGRESS.uploading + span * share,
  );
}

function advance(row: UploadRow, progress: number): UploadRow {
  return { ...row, progress: Math.max(row.progress, progress) };
}

/** Marks a failed file as retried, so its Retry button goes away. */
export function markRetried(state: QueueState, jobId: JobId, fileId: FileId): QueueState {
  return {
    batches: state.batches.map((batch) =>
      batch.jobId !== jobId
        ? batch
        : {
            ...batch,
            rows: batch.rows.map((row) =>
              row.fileId === fileId ? { ...row, retried: true } : row,
            ),
          },
    ),
  };
}

/** Tells whether a row has reached its end, stored or failed. */
export function isFinishedRow(row: UploadRow): boolean {
  return row.status === 'done' || row.status === 'failed';
}

/** Tells whether a failed row may be retried: its failure is retryable and not retried yet. */
export function canRetry(row: UploadRow): boolean {
  return row.status === 'failed' && row.error?.retryable === true && !row.retried;
}

/**
 * Removes one finished row. A row still in progress stays, so its events keep a place to land,
 * and a batch left without rows is dropped.
 */
export function removeRow(state: QueueState, jobId: JobId, fileId: FileId): QueueState {
  return withoutRows(
    state,
    (batch, row) => batch.jobId === jobId && row.fileId === fileId && isFinishedRow(row),
  );
}

/** Removes every finished row of `batches`, and the batches left without rows. */
export function removeFinished(state: QueueState, batches: readonly UploadBatch[]): QueueState {
  const jobIds = new Set(batches.map((batch) => batch.jobId));
  return withoutRows(state, (batch, row) => jobIds.has(batch.jobId) && isFinishedRow(row));
}

function withoutRows(
  state: QueueState,
  remove: (batch: UploadBatch, row: UploadRow) => boolean,
): QueueState {
  const batches = state.batches
    .map((batch) => ({ ...batch, rows: batch.rows.filter((row) => !remove(batch, row)) }))
    .filter((batch) => batch.rows.length > 0);
  return { batches };
}

/**
 * Counts a batch's files and computes its progress. Rows are weighted by their source size when
 * every size is known, and equally otherwise.
 */
export function batchTotals(batch: UploadBatch): BatchTotals {
  const done = batch.rows.filter((row) => row.status === 'done').length;
  const failed = batch.rows.filter((row) => row.status === 'failed').length;

  const weighBySize = batch.rows.every((row) => row.sizeBytes !== null && row.sizeBytes > 0);
  const weight = (row: UploadRow) => (weighBySize ? (row.sizeBytes ?? 1) : 1);
  const rowShare = (row: UploadRow) => (row.status === 'failed' ? 1 : row.progress);

  const totalWeight = batch.rows.reduce((sum, row) => sum + weight(row), 0);
  const doneWeight = batch.rows.reduce((sum, row) => sum + weight(row) * rowShare(row), 0);
  if (totalWeight === 0) return { files: 0, done, failed, progress: batch.finished ? 1 : 0 };

  return { files: batch.rows.length, done, failed, progress: doneWeight / totalWeight };
}

const STATUS_LABELS: Record<RowStatus, string> = {
  waiting: 'Waiting',
  preparing: 'Preparing',
  signing: 'Requesting upload URL',
  uploading: 'Uploading',
  verifying: 'Verifying',
  recording: 'Adding to gallery',
  done: 'Uploaded',
  failed: 'Failed',
};

/** Returns the words shown for a row's status. */
export function statusLabel(row: UploadRow): string {
  if (row.status === 'done' && row.alreadyUploaded) return 'Already in gallery';
  return STATUS_LABELS[row.status];
}
