//! Gives hyper's own answers the security headers every answer carries.
//!
//! hyper answers a request it cannot parse (400, 414, 431) itself, before the router and
//! its header layers see anything. Those answers are the only heads written without a
//! `content-security-policy` header, so this wrapper around the socket recognises them
//! and adds the headers on their way out.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A socket whose outgoing response heads are checked for the security headers.
pub(crate) struct HeadGuard<S> {
    inner: S,
    /// A rewritten head still being written, and how much of it is out.
    pending: Vec<u8>,
    written: usize,
}

impl<S> HeadGuard<S> {
    pub(crate) fn new(inner: S) -> Self {
        HeadGuard {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> HeadGuard<S> {
    /// Writes out what remains of a rewritten head.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

/// The bytes of `buf` with the security headers added, when `buf` starts with an error
/// head that lacks them; `None` when it needs nothing.
fn with_security_headers(buf: &[u8]) -> Option<Vec<u8>> {
    if !(buf.starts_with(b"HTTP/1.1 4") || buf.starts_with(b"HTTP/1.1 5")) {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = buf[..end].to_ascii_lowercase();
    if head
        .windows(26)
        .any(|w| w == b"\r\ncontent-security-policy:")
    {
        return None;
    }
    let mut fixed = Vec::with_capacity(buf.len() + 512);
    fixed.extend_from_slice(&buf[..end]);
    for (name, value) in crate::layers::SECURITY_HEADERS {
        fixed.extend_from_slice(format!("\r\n{name}: {value}").as_bytes());
    }
    fixed.extend_from_slice(&buf[end..]);
    Some(fixed)
}

impl<S: AsyncRead + Unpin> AsyncRead for HeadGuard<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for HeadGuard<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(fixed) = with_security_headers(buf) {
            // The caller's bytes are taken whole; the rewritten ones go out from here on.
            self.pending = fixed;
            self.written = 0;
            if let Poll::Ready(Err(err)) = self.poll_pending(cx) {
                return Poll::Ready(Err(err));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// One buffer per write, so a head is always whole at the start of one.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::with_security_headers;

    #[test]
    fn a_bare_error_head_gains_the_headers_and_keeps_its_body() {
        let fixed = with_security_headers(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
        )
        .expect("rewritten");
        let text = String::from_utf8(fixed).unwrap();
        assert!(
            text.starts_with(
                "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n"
            )
        );
        assert!(text.contains("\r\ncontent-security-policy: default-src 'self'"));
        assert!(text.contains("\r\nx-content-type-options: nosniff"));
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn heads_that_carry_the_headers_or_succeed_are_left_alone() {
        assert!(
            with_security_headers(
                b"HTTP/1.1 404 Not Found\r\nContent-Security-Policy: x\r\n\r\nbody"
            )
            .is_none()
        );
        assert!(with_security_headers(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(with_security_headers(b"{\"a\":1}").is_none());
    }
}
