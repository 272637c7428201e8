//! A query string read the way the API reads a JSON body: an unknown
//! parameter is refused with a `validation` problem naming it (a misspelt
//! `?owner=me` would otherwise list everything), and a parameter given with
//! an empty value (`?cursor=`) counts as absent, as a form left empty does.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// Extracts query parameters into `T`, which should be
/// `#[serde(deny_unknown_fields)]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryParams<T>(pub T);

impl<T, S> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse(parts.uri.query().unwrap_or_default()).map(QueryParams)
    }
}

/// Reads `query` (without the `?`) into `T`.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let given: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&given)
        .finish();
    serde_urlencoded::from_str(&encoded)
        .map_err(|e| ApiError::bad_request("validation", format!("query parameters: {}", said(&e))))
}

/// serde's message in the API's words: `unknown field` is a parameter here.
fn said(error: &serde_urlencoded::de::Error) -> String {
    error
        .to_string()
        .replace("unknown field", "unknown parameter")
        .replace("duplicate field", "repeated parameter")
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::parse;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Page {
        q: Option<String>,
        limit: Option<u32>,
        cursor: Option<String>,
    }

    #[test]
    fn an_empty_value_counts_as_absent() {
        let page: Page = parse("cursor=&limit=&q=ana").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            page,
            Page {
                q: Some("ana".into()),
                limit: None,
                cursor: None
            }
        );
    }

    #[test]
    fn an_unknown_parameter_is_refused_by_name() {
        let Err(error) = parse::<Page>("owner=me") else {
            panic!("accepted an unknown parameter");
        };
        assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
        assert!(error.public_detail().contains("`owner`"), "{error:?}");
    }
}
