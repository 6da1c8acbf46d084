//! The server's edges under slow, silent and malformed clients: a bounded number of
//! connections, a deadline on request heads, security headers on hyper's own answers, and
//! HSTS only for requests that came over https.

// A binary of its own: it holds a thousand sockets and times answers, which other tests
// running beside it in one process would disturb.
#[allow(unused_macros)]
#[path = "it/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// A server started through `web::serve` with the given limits, and how to stop it.
struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
    _data_dir: tempfile::TempDir,
}

async fn start(limits: web::ServerLimits, tweak: impl FnOnce(&mut web::Config)) -> Server {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let store = common::fresh_store(store::Engine::Sqlite, data_dir.path()).await;
    store.save_setup(&clinic::demo()).await.expect("setup");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let mut config = web::Config::local(data_dir.path().to_path_buf(), format!("http://{addr}"));
    tweak(&mut config);
    let state = web::AppState::new(store, config).await.expect("state");
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(web::serve(listener, web::app(state), limits, async {
        let _ = stopped.await;
    }));
    Server {
        addr,
        stop: Some(stop),
        done,
        _data_dir: data_dir,
    }
}

/// Sends raw bytes on a fresh connection and reads the answer until the server closes it
/// or `wait` passes.
async fn raw(addr: SocketAddr, bytes: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// One request on a connection of its own, timed from connect to the full answer.
async fn timed_get(addr: SocketAddr, path: &str) -> (String, Duration) {
    let started = Instant::now();
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    let answer = raw(addr, request.as_bytes(), Duration::from_secs(5)).await;
    (answer, started.elapsed())
}

/// Whether the server has closed `stream` (or reset it) within `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut scratch = [0u8; 512];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut scratch)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_requests_answer_fast_while_a_thousand_slow_or_idle_connections_are_held() {
    // The test holds a thousand sockets of its own besides the server's.
    let files = web::raise_open_file_limit().unwrap_or(0);
    assert!(
        files >= 1_300,
        "this test needs 1,300 open files, the limit is {files}"
    );
    let server = start(
        web::ServerLimits {
            max_connections: 64,
            // Longer than the test: the slow connections are not simply timed out.
            header_read_timeout: Duration::from_secs(60),
        },
        |_| {},
    )
    .await;
    let started = Instant::now();
    let mut held = Vec::with_capacity(1_000);
    for i in 0..1_000 {
        let mut stream =
            tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(server.addr))
                .await
                .expect("connect in time")
                .expect("connect");
        if i % 2 == 0 {
            // Slowloris: a request head that never ends.
            stream
                .write_all(b"GET / HTTP/1.1\r\nhost: clinic\r\nx-slow: ")
                .await
                .expect("write");
        }
        held.push(stream);
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "opening took too long"
        );
    }
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let (answer, took) = timed_get(server.addr, "/healthz").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        slowest = slowest.max(took);
    }
    eprintln!("slowest of 10 answers with 1,000 connections held: {slowest:?}");
    assert!(
        slowest < Duration::from_millis(100),
        "slowest answer took {slowest:?} with 1,000 connections held"
    );
    // The server kept to its limit: most of the held connections were closed on it.
    let mut closed = 0;
    for stream in held.iter_mut().take(200) {
        if closed_within(stream, Duration::from_millis(5)).await {
            closed += 1;
        }
    }
    assert!(
        closed > 100,
        "only {closed} of 200 held connections were closed"
    );
    drop(held);
    stop(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_slow_and_idle_connections_are_closed_after_the_header_timeout() {
    let server = start(
        web::ServerLimits {
            max_connections: 16,
            header_read_timeout: Duration::from_secs(1),
        },
        |_| {},
    )
    .await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nhost: clinic\r\n")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: clinic\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 64];
    let n = idle.read(&mut first).await.unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"), "keep-alive answer");
    for (what, stream) in [
        ("silent", &mut silent),
        ("slow", &mut slow),
        ("idle", &mut idle),
    ] {
        assert!(
            closed_within(stream, Duration::from_secs(4)).await,
            "the {what} connection is still open"
        );
    }
    stop(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hypers_own_error_answers_carry_the_security_headers() {
    let server = start(web::ServerLimits::default(), |_| {}).await;
    let huge = format!(
        "GET / HTTP/1.1\r\nhost: clinic\r\nx-big: {}\r\n\r\n",
        "a".repeat(600_000)
    );
    let cases: [(&str, Vec<u8>, &str); 2] = [
        (
            "garbage",
            b"NOT HTTP AT ALL\r\n\r\n".to_vec(),
            "HTTP/1.1 400",
        ),
        ("huge head", huge.into_bytes(), "HTTP/1.1 431"),
    ];
    for (what, bytes, status) in cases {
        let answer = raw(server.addr, &bytes, Duration::from_secs(5)).await;
        assert!(answer.starts_with(status), "{what}: {answer}");
        let head = answer.to_ascii_lowercase();
        for header in [
            "content-security-policy: default-src 'self'",
            "x-content-type-options: nosniff",
            "referrer-policy: same-origin",
            "x-frame-options: deny",
        ] {
            assert!(head.contains(header), "{what}: no {header} in {answer}");
        }
    }
    stop(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_only_when_a_trusted_proxy_says_https() {
    let direct = start(web::ServerLimits::default(), |_| {}).await;
    let proxied = start(web::ServerLimits::default(), |c| c.behind_proxy = true).await;
    let get = |addr: SocketAddr, proto: Option<&'static str>| async move {
        let extra = proto
            .map(|p| format!("x-forwarded-proto: {p}\r\n"))
            .unwrap_or_default();
        let request = format!("GET / HTTP/1.1\r\nhost: clinic\r\n{extra}connection: close\r\n\r\n");
        raw(addr, request.as_bytes(), Duration::from_secs(5))
            .await
            .to_ascii_lowercase()
    };
    let hsts = "strict-transport-security: max-age=31536000";
    assert!(get(proxied.addr, Some("https")).await.contains(hsts));
    assert!(!get(proxied.addr, Some("http")).await.contains(hsts));
    assert!(!get(proxied.addr, None).await.contains(hsts));
    // Without a trusted proxy the header is the client's own word: plain http, no HSTS.
    let untrusted = get(direct.addr, Some("https")).await;
    assert!(untrusted.starts_with("http/1.1 200"), "{untrusted}");
    assert!(!untrusted.contains(hsts));
    stop(direct).await;
    stop(proxied).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_closes_idle_connections_and_returns() {
    let server = start(
        web::ServerLimits {
            max_connections: 16,
            header_read_timeout: Duration::from_secs(60),
        },
        |_| {},
    )
    .await;
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: clinic\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 64];
    let n = idle.read(&mut first).await.unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    let addr = server.addr;
    let started = Instant::now();
    stop(server).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "drain took {:?}",
        started.elapsed()
    );
    assert!(closed_within(&mut idle, Duration::from_secs(1)).await);
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

/// Stops a server and waits (bounded) for it to drain.
async fn stop(mut server: Server) {
    let _ = server.stop.take().expect("running").send(());
    tokio::time::timeout(Duration::from_secs(10), &mut server.done)
        .await
        .expect("drained in time")
        .expect("task")
        .expect("serve");
}
