//! The accept loop: a bounded number of connections, a deadline on every request head, and
//! room for a real client even while slow or silent connections pile up.
//!
//! `axum::serve` has no header-read timeout and no connection cap, so a few hundred silent
//! connections used to exhaust the file descriptors. Here every connection holds a permit;
//! when none is left, the connection that has waited longest for a request head (a silent
//! or slow one: never one whose request a handler is working on) is closed to make room,
//! and only when every connection is busy does a newcomer get an early 503.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tower::ServiceExt as _;

use crate::head_guard::HeadGuard;

/// How the server treats connections; the binary fills it from flags.
#[derive(Clone, Debug)]
pub struct ServerLimits {
    /// Connections served at once; beyond it the longest-waiting idle one is closed, or
    /// the newcomer gets a 503.
    pub max_connections: usize,
    /// How long a connection may take to send a request's head, counted from when it opens
    /// or its previous answer was sent; so also how long an idle keep-alive connection lives.
    pub header_read_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Connections answered 503 at once at most; beyond that a newcomer is closed unanswered,
/// so shedding itself never exhausts file descriptors.
const SHED_AT_ONCE: usize = 64;

/// The longest a stop waits for answers in flight; handlers themselves stop at 30 s.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// How long a newcomer waits for an evicted connection's permit before it is shed.
const EVICTION_WAIT: Duration = Duration::from_millis(200);

/// What one open connection tells the loop: whether a handler is working on its request,
/// and since when it has been waiting for one.
struct Conn {
    busy: AtomicUsize,
    /// Milliseconds since the server started when the connection last became idle.
    idle_since_ms: AtomicU64,
    close: Notify,
}

/// The open connections, so that the longest-waiting idle one can be found.
struct Registry {
    started: Instant,
    next_id: AtomicU64,
    open: Mutex<Vec<(u64, Arc<Conn>)>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since_ms: AtomicU64::new(self.now_ms()),
            close: Notify::new(),
        });
        self.lock().push((id, conn.clone()));
        (id, conn)
    }

    fn remove(&self, id: u64) {
        self.lock().retain(|(other, _)| *other != id);
    }

    /// Closes the connection that has waited longest without a request in a handler.
    /// Returns whether there was one.
    fn evict_one(&self) -> bool {
        let mut open = self.lock();
        let oldest = open
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| c.busy.load(Ordering::Acquire) == 0)
            .min_by_key(|(_, (_, c))| c.idle_since_ms.load(Ordering::Relaxed))
            .map(|(i, _)| i);
        match oldest {
            Some(i) => {
                let (_, conn) = open.swap_remove(i);
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Arc<Conn>)>> {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Marks a connection busy while a handler works on its request.
struct Busy {
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.conn
            .idle_since_ms
            .store(self.registry.now_ms(), Ordering::Relaxed);
        self.conn.busy.fetch_sub(1, Ordering::Release);
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets
/// requests in flight finish and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let max = limits.max_connections.max(1);
    let permits = Arc::new(Semaphore::new(max));
    let shedding = Arc::new(Semaphore::new(SHED_AT_ONCE));
    let registry = Arc::new(Registry {
        started: Instant::now(),
        next_id: AtomicU64::new(0),
        open: Mutex::new(Vec::new()),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors (or a connection reset before accept): wait
                    // for some to close instead of spinning or stopping.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                // Full: the newcomer waits (in its own task) for an evicted connection's
                // permit, and is shed with a 503 when nobody could be evicted.
                let Ok(shed_permit) = shedding.clone().try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                let (permits, registry, app, stop, limits) = (
                    permits.clone(),
                    registry.clone(),
                    app.clone(),
                    stop_rx.clone(),
                    limits.clone(),
                );
                tokio::spawn(async move {
                    let permit = if registry.evict_one() {
                        tokio::time::timeout(EVICTION_WAIT, permits.acquire_owned())
                            .await
                            .ok()
                            .and_then(Result::ok)
                    } else {
                        None
                    };
                    match permit {
                        Some(permit) => {
                            drop(shed_permit);
                            serve_connection(stream, peer, app, &limits, registry, stop).await;
                            drop(permit);
                        }
                        None => {
                            shed(stream).await;
                            drop(shed_permit);
                        }
                    }
                });
                continue;
            }
        };
        let (app, registry, stop, limits) = (
            app.clone(),
            registry.clone(),
            stop_rx.clone(),
            limits.clone(),
        );
        tokio::spawn(async move {
            serve_connection(stream, peer, app, &limits, registry, stop).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a permit until it ends: all of them back means drained. A
    // client that stops reading an answer could hold one for ever, so the wait is capped.
    let drained = tokio::time::timeout(
        DRAIN_LIMIT,
        permits.acquire_many(u32::try_from(max).unwrap_or(u32::MAX)),
    )
    .await;
    if drained.is_err() {
        tracing::warn!("stopping with connections still open after {DRAIN_LIMIT:?}");
    }
    Ok(())
}

/// Serves one connection until it ends, is evicted, or the server drains.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: &ServerLimits,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let (id, conn) = registry.add();
    let service = {
        let (conn, registry) = (conn.clone(), registry.clone());
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            conn.busy.fetch_add(1, Ordering::AcqRel);
            let busy = Busy {
                conn: conn.clone(),
                registry: registry.clone(),
            };
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await;
                drop(busy);
                response
            }
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let connection = http.serve_connection(TokioIo::new(HeadGuard::new(stream)), service);
    tokio::pin!(connection);
    let mut draining = *stop.borrow();
    if draining {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended");
                }
                break;
            }
            _ = conn.close.notified() => break,
            changed = stop.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
    registry.remove(id);
}

/// Answers an over-limit connection 503 with a problem body, then closes it. The request
/// is read briefly first so the close does not reset the answer away.
async fn shed(mut stream: TcpStream) {
    let body = r#"{"type":"/problems/overloaded","title":"The server is busy","status":503,"detail":"Too many connections are open; try again in a moment."}"#;
    let mut answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\ncache-control: no-store\r\n",
        body.len()
    );
    for (name, value) in crate::layers::SECURITY_HEADERS {
        answer.push_str(&format!("{name}: {value}\r\n"));
    }
    answer.push_str("\r\n");
    answer.push_str(body);
    let work = async {
        let mut scratch = [0u8; 1024];
        let _ = tokio::time::timeout(Duration::from_millis(20), stream.read(&mut scratch)).await;
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Drain what the client still sends so that closing does not reset the answer.
        while stream.read(&mut scratch).await? > 0 {}
        io::Result::Ok(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), work).await;
}

/// Raises the soft limit on open files to the hard limit, so the connection cap, not the
/// process, decides when to shed. Returns the soft limit now in force.
#[cfg(unix)]
pub fn raise_open_file_limit() -> Option<u64> {
    // SAFETY: getrlimit and setrlimit only read and write the struct passed by pointer.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
        // rlim_t is u64 on Linux but not on every unix.
        #[allow(clippy::unnecessary_cast)]
        Some(limit.rlim_cur as u64)
    }
}

/// Other systems keep their own limit.
#[cfg(not(unix))]
pub fn raise_open_file_limit() -> Option<u64> {
    None
}
