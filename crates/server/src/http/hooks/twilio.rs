//! `POST /hooks/twilio/{channel}/{sms,status,voice}`: Twilio's webhooks.
//! Each handler takes the raw body (the signature covers every parameter as
//! sent), hands it to one service call that verifies and acts, and answers
//! TwiML.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use channels::twilio::{signature, twiml};

use crate::http::error::ApiError;
use crate::services::inbound::{self, SignedRequest, TwilioReply};
use crate::services::state::AppState;

/// The three Twilio webhooks of every Twilio channel.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hooks/twilio/{channel}/sms", post(sms))
        .route("/hooks/twilio/{channel}/status", post(status))
        .route("/hooks/twilio/{channel}/voice", post(voice))
}

impl IntoResponse for TwilioReply {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, twiml::CONTENT_TYPE)], self.0).into_response()
    }
}

/// A customer's text to the channel's number.
async fn sms(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<TwilioReply, ApiError> {
    Ok(inbound::receive_sms(&state, signed(channel, &uri, &headers, body)).await?)
}

/// A delivery report for a message we sent.
async fn status(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<TwilioReply, ApiError> {
    Ok(inbound::delivery_report(&state, signed(channel, &uri, &headers, body)).await?)
}

/// A phone call to the channel's number.
async fn voice(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<TwilioReply, ApiError> {
    Ok(inbound::incoming_call(&state, signed(channel, &uri, &headers, body)).await?)
}

/// What the signature covers: the path and query as received, the header,
/// the body untouched.
fn signed(
    channel: String,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> SignedRequest {
    SignedRequest {
        channel_id: channel,
        path_and_query: uri
            .path_and_query()
            .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string()),
        signature: headers
            .get(signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: body.to_vec(),
    }
}
