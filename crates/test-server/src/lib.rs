//! A loopback HTTP/1.1 server with scripted replies that records every request it receives.
//!
//! The API client and transfer tests use it for replies that no real server sends on request:
//! malformed bodies, missing headers, bodies without `Content-Length`. It binds 127.0.0.1 only,
//! and panics on setup failures, as a test fixture may.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, such as `GET`.
    pub method: String,
    /// Path and query, as sent on the request line.
    pub target: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Recorded {
    /// Returns the first header named `name`, compared ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns the path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// Returns the raw (still percent-encoded) value of the query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    /// Parses the body as JSON; `Null` when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// A scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers to send, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Leave out `Content-Length` and close the connection to end the body.
    pub omit_content_length: bool,
}

impl Reply {
    /// Returns a reply with `status`, a `Content-Type` and `body`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into(),
            omit_content_length: false,
        }
    }

    /// Returns a JSON reply.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status, "application/json", body.to_string())
    }

    /// Returns an RFC 7807 problem reply (`application/problem+json`).
    pub fn problem(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status, "application/problem+json", body.to_string())
    }

    /// Adds a header to the reply.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// The running server; it stops when dropped.
pub struct MockServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl MockServer {
    /// Starts a server on a free loopback port that replies to each request with `handler`.
    pub async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(Recorded) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    serve_connection(stream, handler.as_ref(), &recorded).await;
                });
            }
        });
        Self {
            url,
            requests,
            task,
        }
    }

    /// Returns every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests lock").clone()
    }

    /// Returns the requests received so far whose path is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.path() == path)
            .collect()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection<F, Fut>(mut stream: TcpStream, handler: &F, log: &Mutex<Vec<Recorded>>)
where
    F: Fn(Recorded) -> Fut,
    Fut: Future<Output = Reply>,
{
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    log.lock().expect("requests lock").push(request.clone());
    let reply = handler(request).await;
    let _ = write_reply(&mut stream, &reply).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(position) = find(&buffer, b"\r\n\r\n") {
            break position;
        }
        let mut chunk = [0u8; 8192];
        let count = stream.read(&mut chunk).await.ok()?;
        if count == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..count]);
    };

    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut rest = buffer[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();

    let mut recorded = Recorded {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if recorded
        .header("transfer-encoding")
        .is_some_and(|value| value.contains("chunked"))
    {
        recorded.body = read_chunked(stream, rest).await?;
    } else {
        let length: usize = recorded
            .header("content-length")
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        read_exact_into(stream, &mut rest, length).await?;
        rest.truncate(length);
        recorded.body = rest;
    }
    Some(recorded)
}

async fn read_exact_into<R: AsyncRead + Unpin>(
    stream: &mut R,
    buffer: &mut Vec<u8>,
    length: usize,
) -> Option<()> {
    while buffer.len() < length {
        let mut chunk = vec![0u8; 65536];
        let count = stream.read(&mut chunk).await.ok()?;
        if count == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..count]);
    }
    Some(())
}

/// Reads a chunked body to its end; returns the decoded bytes.
async fn read_chunked(stream: &mut TcpStream, mut buffer: Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        while find(&buffer, b"\r\n").is_none() {
            let len = buffer.len();
            read_exact_into(stream, &mut buffer, len + 1).await?;
        }
        let line_end = find(&buffer, b"\r\n")?;
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        let needed = line_end + 2 + size + 2;
        read_exact_into(stream, &mut buffer, needed).await?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&buffer[line_end + 2..line_end + 2 + size]);
        buffer.drain(..needed);
    }
}

async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} Scripted\r\nconnection: close\r\n",
        reply.status
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !reply.omit_content_length {
        head.push_str(&format!("content-length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&reply.body).await?;
    stream.flush().await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
