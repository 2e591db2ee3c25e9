//! Streaming uploads with an exact `Content-Length` and progress reports.

use std::io;
use std::path::Path;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt, stream};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use crate::condition::WriteCondition;
use crate::error::TransferError;
use crate::get::read_error_body;
use crate::probe::header_text;
use crate::signed_url::SignedUrl;
use crate::transfer::Transfer;

/// Size of the chunks the body is sent in (64 KiB).
const CHUNK_BYTES: usize = 64 * 1024;

/// Files up to this size are read whole before they are sent. Each read of a streamed file is
/// a trip to Tokio's blocking threads, which costs more than the copy for a small file.
const READ_WHOLE_MAX_BYTES: u64 = 1024 * 1024;

/// A file opened for upload: read whole when small, else open for streaming with its size.
enum Opened {
    Whole(Bytes),
    Streamed(std::fs::File, u64),
}

/// Opens the file at `path` on a blocking thread, and reads it whole when it is at most
/// [`READ_WHOLE_MAX_BYTES`], all in one trip.
async fn open_for_upload(path: std::path::PathBuf) -> io::Result<Opened> {
    let task = tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&path)?;
        let size = file.metadata()?.len();
        if size > READ_WHOLE_MAX_BYTES {
            return Ok(Opened::Streamed(file, size));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or_default());
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        Ok(Opened::Whole(Bytes::from(bytes)))
    });
    task.await
        .unwrap_or_else(|error| Err(io::Error::other(format!("the file read stopped: {error}"))))
}

/// Result of a successful upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutOutcome {
    /// `ETag` header of the response, verbatim (S3 quotes it).
    pub etag: Option<String>,
    /// Number of body bytes sent.
    pub bytes_sent: u64,
}

/// Event sent by the body stream to the task that awaits the response.
enum BodyEvent {
    Sent(u64),
    FileFailed(io::Error),
}

impl Transfer {
    /// Uploads the file at `path` with an HTTP PUT to `url`.
    ///
    /// The file size is read once and sent as `Content-Length`; the body streams in 64 KiB
    /// chunks, and `progress` receives the bytes sent so far after each chunk, ending at the
    /// size. A file of at most 1 MiB is read whole first, so memory stays bounded by that
    /// and the chunk size. Fails with [`TransferError::Io`] when the file cannot be read or its
    /// size changes while it is sent, and with [`TransferError::Rejected`] on any non-2xx
    /// status.
    #[tracing::instrument(skip_all, fields(url = %url, path = %path.display()), err(level = "warn"))]
    pub async fn put_file(
        &self,
        url: &SignedUrl,
        path: &Path,
        content_type: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<PutOutcome, TransferError> {
        let io_error = |source| TransferError::Io {
            path: path.to_owned(),
            source,
        };
        let opened = open_for_upload(path.to_owned()).await.map_err(io_error)?;
        let (events, reports) = mpsc::unbounded_channel();
        let (body, size) = match opened {
            Opened::Whole(bytes) => {
                let size = bytes.len() as u64;
                (reporting_body(byte_chunks(bytes), events), size)
            }
            Opened::Streamed(file, size) => {
                let file = tokio::fs::File::from_std(file);
                (reporting_body(file_chunks(file, size), events), size)
            }
        };
        let request = PutRequest {
            url,
            content_type,
            condition: None,
        };
        let outcome = self.put_body(request, body, size, reports, progress).await;
        match outcome {
            Ok(outcome) => Ok(outcome),
            Err(PutFailure::File(source)) => Err(io_error(source)),
            Err(PutFailure::Transfer(error)) => Err(error),
        }
    }

    /// Uploads `body` with an HTTP PUT to `url`, streamed in 64 KiB chunks with an exact
    /// `Content-Length`. `progress` receives the bytes sent so far after each chunk, ending at
    /// the body's length. Fails with [`TransferError::Rejected`] on any non-2xx status.
    pub async fn put_bytes(
        &self,
        url: &SignedUrl,
        body: Bytes,
        content_type: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<PutOutcome, TransferError> {
        self.put_bytes_if(url, body, content_type, None, progress)
            .await
    }

    /// Uploads `body` like [`Transfer::put_bytes`], sending `condition` as `If-Match` or
    /// `If-None-Match` when it is set.
    ///
    /// A store that implements conditional writes rejects a write whose condition fails, with an
    /// error for which [`TransferError::is_precondition_failed`] is true, and stores nothing. A store that
    /// ignores the headers writes anyway. Failures are logged at debug level, because a
    /// rejected condition is an expected response that the caller handles.
    #[tracing::instrument(skip_all, fields(url = %url, bytes = body.len(), ?condition), err(level = "debug"))]
    pub async fn put_bytes_if(
        &self,
        url: &SignedUrl,
        body: Bytes,
        content_type: &str,
        condition: Option<&WriteCondition>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<PutOutcome, TransferError> {
        let size = body.len() as u64;
        let (events, reports) = mpsc::unbounded_channel();
        let body = reporting_body(byte_chunks(body), events);
        let request = PutRequest {
            url,
            content_type,
            condition,
        };
        let outcome = self.put_body(request, body, size, reports, progress).await;
        outcome.map_err(|failure| match failure {
            PutFailure::Transfer(error) => error,
            PutFailure::File(source) => TransferError::Io {
                path: "<memory>".into(),
                source,
            },
        })
    }

    /// Sends the PUT while forwarding body events to `progress`, then checks the response.
    async fn put_body(
        &self,
        put: PutRequest<'_>,
        body: reqwest::Body,
        size: u64,
        mut reports: mpsc::UnboundedReceiver<BodyEvent>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<PutOutcome, PutFailure> {
        let url = put.url;
        let mut request = self
            .http
            .put(url.url().clone())
            .header(CONTENT_TYPE, put.content_type)
            .header(CONTENT_LENGTH, size);
        if let Some(condition) = put.condition {
            request = condition.apply(request);
        }
        let request = request.body(body).send();
        tokio::pin!(request);

        let mut file_error = None;
        let result = loop {
            tokio::select! {
                Some(event) = reports.recv() => forward(event, progress, &mut file_error),
                result = &mut request => break result,
            }
        };
        while let Ok(event) = reports.try_recv() {
            forward(event, progress, &mut file_error);
        }
        if let Some(error) = file_error {
            return Err(PutFailure::File(error));
        }

        let response = result.map_err(|error| TransferError::transport(url.shown(), error))?;
        let outcome = check_put_response(url, response, size).await?;
        if size == 0 {
            // An empty body yields no chunk, so report the final count here.
            progress(0);
        }
        Ok(outcome)
    }
}

/// The target URL of a PUT and the headers it carries besides `Content-Length`.
struct PutRequest<'a> {
    url: &'a SignedUrl,
    content_type: &'a str,
    condition: Option<&'a WriteCondition>,
}

/// Why an upload failed: the file, or the transfer itself.
enum PutFailure {
    File(io::Error),
    Transfer(TransferError),
}

impl From<TransferError> for PutFailure {
    fn from(error: TransferError) -> Self {
        Self::Transfer(error)
    }
}

fn forward(
    event: BodyEvent,
    progress: &(dyn Fn(u64) + Send + Sync),
    file_error: &mut Option<io::Error>,
) {
    match event {
        BodyEvent::Sent(bytes_sent) => progress(bytes_sent),
        BodyEvent::FileFailed(error) => *file_error = Some(error),
    }
}

async fn check_put_response(
    url: &SignedUrl,
    response: reqwest::Response,
    size: u64,
) -> Result<PutOutcome, TransferError> {
    let status = response.status().as_u16();
    if !response.status().is_success() {
        return Err(read_error_body(url, response).await);
    }
    let etag = header_text(&response, ETAG);
    tracing::debug!(status, bytes_sent = size, "upload finished");
    Ok(PutOutcome {
        etag,
        bytes_sent: size,
    })
}

/// Wraps `chunks` in a request body that reports the running byte count (and file errors)
/// on `events`.
fn reporting_body<S>(chunks: S, events: mpsc::UnboundedSender<BodyEvent>) -> reqwest::Body
where
    S: Stream<Item = Result<Bytes, io::Error>> + Send + 'static,
{
    let mut bytes_sent = 0u64;
    let reported = chunks.map(move |chunk| {
        // Sending fails only once the receiver is dropped, so no one awaits progress then.
        let _ = match &chunk {
            Ok(bytes) => {
                bytes_sent += bytes.len() as u64;
                events.send(BodyEvent::Sent(bytes_sent))
            }
            Err(error) => {
                let copy = io::Error::new(error.kind(), error.to_string());
                events.send(BodyEvent::FileFailed(copy))
            }
        };
        chunk
    });
    reqwest::Body::wrap_stream(reported)
}

/// Splits `body` into chunks of at most [`CHUNK_BYTES`] without copying.
fn byte_chunks(body: Bytes) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let mut chunks = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let take = rest.len().min(CHUNK_BYTES);
        chunks.push(Ok(rest.split_to(take)));
    }
    stream::iter(chunks)
}

struct FileReader {
    file: tokio::fs::File,
    expected: u64,
    read: u64,
    finished: bool,
}

/// Reads `file` in chunks of at most [`CHUNK_BYTES`], failing when it yields more or fewer
/// than `expected` bytes.
fn file_chunks(
    file: tokio::fs::File,
    expected: u64,
) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let reader = FileReader {
        file,
        expected,
        read: 0,
        finished: false,
    };
    stream::unfold(reader, |mut reader| async move {
        if reader.finished {
            return None;
        }
        let chunk = next_file_chunk(&mut reader).await;
        match chunk {
            Ok(None) => None,
            Ok(Some(bytes)) => Some((Ok(bytes), reader)),
            Err(error) => {
                reader.finished = true;
                Some((Err(error), reader))
            }
        }
    })
}

async fn next_file_chunk(reader: &mut FileReader) -> Result<Option<Bytes>, io::Error> {
    let mut buffer = BytesMut::zeroed(CHUNK_BYTES);
    let count = reader.file.read(&mut buffer).await?;
    if count == 0 {
        if reader.read != reader.expected {
            return Err(size_changed(reader.expected, reader.read));
        }
        return Ok(None);
    }
    reader.read += count as u64;
    if reader.read > reader.expected {
        return Err(size_changed(reader.expected, reader.read));
    }
    buffer.truncate(count);
    Ok(Some(buffer.freeze()))
}

fn size_changed(expected: u64, read: u64) -> io::Error {
    let relation = if read > expected { "at least" } else { "only" };
    io::Error::other(format!(
        "the file changed size during the upload: it was {expected} bytes, then {relation} \
         {read} bytes were read"
    ))
}
