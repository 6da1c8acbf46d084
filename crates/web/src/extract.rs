//! Request bodies read so that every mistake names its field.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// A JSON body whose errors are problem details naming the offending field.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ProblemKind::PayloadTooLarge,
                    "The request body is larger than this endpoint accepts; send a smaller JSON object.",
                )
                .with_field("body")
            } else {
                ApiError::new(ProblemKind::MalformedRequest, e.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                ProblemKind::MalformedRequest,
                "The request body is empty; send a JSON object.",
            )
            .with_field("body"));
        }
        if !is_json {
            return Err(ApiError::new(
                ProblemKind::MalformedRequest,
                "Send the body as JSON with Content-Type: application/json.",
            )
            .with_field("body"));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON into `T`, naming the field when it does not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ProblemKind::MalformedRequest,
            format!("The body is not valid JSON: {e}."),
        )
        .with_field("body")
    })?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "The body must be a JSON object."));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        let field = match inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(missing) if path == "." => missing.to_owned(),
            Some(missing) => format!("{path}.{missing}"),
            None => path,
        };
        ApiError::invalid(field, format!("{inner}."))
    })
}

/// The client's address, for rate limiting: the peer, or the first `X-Forwarded-For`
/// entry when a trusted proxy sits in front.
pub struct ClientAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_ip(
            state,
            &parts.headers,
            &parts.extensions,
        )))
    }
}

/// The address [`ClientAddr`] reads, for middleware that holds the whole request.
pub(crate) fn client_ip(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> std::net::IpAddr {
    if state.config.behind_proxy
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), |c| {
            c.0.ip()
        })
}
