//! The CSRF token of a file upload. A `multipart/form-data` body can be many megabytes, so
//! the guard does not read it whole: it reads only as far as the first field, which must be
//! `csrf` (browsers send fields in the form's order, and every upload form puts it first),
//! then hands the body on untouched, bytes already read included.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;

/// How much of a body is read looking for the first field (more if one read brings more);
/// a token field is far shorter.
const FIRST_FIELD_LIMIT: usize = 8 * 1024;

/// The boundary of a `multipart/form-data` body, if the request has one.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

/// The value of the body's first field if that field is `csrf`, and the body to pass on.
pub async fn first_field_token(boundary: &str, body: Body) -> (Option<String>, Body) {
    let mut body = body;
    let mut read = Vec::new();
    let mut token = None;
    loop {
        if let Some(found) = parse_first_field(&read, boundary) {
            token = found;
            break;
        }
        if read.len() > FIRST_FIELD_LIMIT {
            break;
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    read.extend_from_slice(&data);
                }
            }
            // The body ended or broke: the handler meets the same when it reads on.
            _ => break,
        }
    }
    let rest = body.into_data_stream();
    let head = futures_util::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(read)) });
    (token, Body::from_stream(head.chain(rest)))
}

/// `Some(token)` once the first field has been read whole (`Some(None)` if it is not
/// `csrf`), `None` while more bytes are needed.
fn parse_first_field(read: &[u8], boundary: &str) -> Option<Option<String>> {
    let opening = format!("--{boundary}\r\n");
    if read.len() < opening.len() {
        return None;
    }
    if !read.starts_with(opening.as_bytes()) {
        return Some(None);
    }
    let rest = &read[opening.len()..];
    let head_end = find(rest, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&rest[..head_end]).ok();
    let value = &rest[head_end + 4..];
    let end = find(value, format!("\r\n--{boundary}").as_bytes())?;
    let is_csrf = head.is_some_and(|head| {
        head.lines().any(|line| {
            let line = line.to_ascii_lowercase();
            line.starts_with("content-disposition:")
                && line.contains("form-data")
                && line
                    .split(';')
                    .any(|p| p.trim() == "name=\"csrf\"" || p.trim() == "name=csrf")
        })
    });
    Some(
        is_csrf
            .then(|| String::from_utf8(value[..end].to_vec()).ok())
            .flatten(),
    )
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .bytes(),
            );
        }
        body.extend(b"--XyZ--\r\n");
        body
    }

    #[test]
    fn the_token_is_read_from_the_first_field_only() {
        let body = form(&[("csrf", "tok+en/="), ("kind", "before")]);
        assert_eq!(
            parse_first_field(&body, "XyZ"),
            Some(Some("tok+en/=".into()))
        );
        let later = form(&[("kind", "before"), ("csrf", "token")]);
        assert_eq!(parse_first_field(&later, "XyZ"), Some(None));
        assert_eq!(parse_first_field(&body[..20], "XyZ"), None, "more needed");
        assert_eq!(
            parse_first_field(b"garbage that is long", "XyZ"),
            Some(None)
        );
        let sneaky = form(&[("csrfx", "token")]);
        assert_eq!(parse_first_field(&sneaky, "XyZ"), Some(None));
    }

    #[test]
    fn boundaries_are_read_from_the_content_type() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=\"----WebKitFormBoundaryA1\""
                .parse()
                .unwrap(),
        );
        assert_eq!(boundary(&h).as_deref(), Some("----WebKitFormBoundaryA1"));
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert_eq!(boundary(&h), None);
    }

    #[tokio::test]
    async fn the_body_is_passed_on_whole() {
        let body = form(&[("csrf", "abc"), ("caption", "x".repeat(100_000).as_str())]);
        // In small pieces, and in one read far larger than the first field's limit.
        for size in [7, body.len()] {
            let chunks: Vec<Result<Bytes, std::io::Error>> = body
                .chunks(size)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let streamed = Body::from_stream(futures_util::stream::iter(chunks));
            let (token, rest) = first_field_token("XyZ", streamed).await;
            assert_eq!(token.as_deref(), Some("abc"), "read {size} bytes at a time");
            let back = axum::body::to_bytes(rest, usize::MAX).await.unwrap();
            assert_eq!(back.as_ref(), body.as_slice());
        }
    }
}
