//! A JSON body whose problems are answered as `validation` problems that
//! name the field (`unknown field "colour"`, `missing field "body"`), as
//! API.md asks, rather than as axum's plain-text rejections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// Extracts a JSON body like [`Json`], with problems in the API's words.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(problem(rejection)),
        }
    }
}

/// The API's problem for a JSON body axum could not read.
pub fn problem(rejection: JsonRejection) -> ApiError {
    let detail = rejection.body_text();
    match rejection {
        // serde's message names the field and what was expected there.
        JsonRejection::JsonDataError(_) => ApiError::unprocessable("validation", detail),
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("validation", detail),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        other => ApiError::from_status(other.status(), detail),
    }
}
