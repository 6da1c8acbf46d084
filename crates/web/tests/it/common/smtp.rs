//! A real SMTP server for the delivery tests: Python's aiosmtpd, each message written to a
//! folder as JSON (envelope, headers, every leaf part decoded).
//!
//! The SMTP tests need `python3` with `aiosmtpd` (`pip install aiosmtpd`); without it they
//! fail with a message saying so.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A tiny SMTP server: each message is parsed with Python's `email` package and written
/// to the folder as JSON (envelope, headers, and every leaf part decoded).
const SMTP_SERVER: &str = r#"
import email, email.policy, json, os, sys, time, uuid
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            content = part.get_content()
            if isinstance(content, bytes):
                content = content.decode("utf-8", "replace")
            parts.append({
                "content_type": part.get_content_type(),
                "disposition": part.get_content_disposition(),
                "filename": part.get_filename(),
                "content": content,
            })
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "headers": {k: str(v) for k, v in msg.items()},
            "parts": parts,
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(out, "." + name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(out, name + ".json"))
        return "250 Message accepted for delivery"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// The local SMTP server, stopped when dropped.
pub struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let check = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output();
        match check {
            Err(e) => panic!(
                "mail_delivery tests need python3 on PATH (with aiosmtpd: pip install aiosmtpd): {e}"
            ),
            Ok(out) if !out.status.success() => panic!(
                "mail_delivery tests need the aiosmtpd Python package: run `pip install aiosmtpd`.\n{}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Ok(_) => {}
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .args(["-c", SMTP_SERVER, &port.to_string()])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3 SMTP server");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).ok();
                panic!("the aiosmtpd server exited ({status}):\n{stderr}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the aiosmtpd server did not listen on port {port} within 15 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        SmtpServer { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Value> {
        files_with_extension(self.dir.path(), "json")
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).expect("message JSON")
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// Polls `check` every 100 ms until it returns `Some`, for at most `seconds`.
pub async fn eventually<T>(
    seconds: u64,
    what: &str,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {seconds} s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
