//! X-Twilio-Signature against every vector from Twilio's helper libraries
//! (testdata/twilio/signature_vectors.json), and requests that must fail.

use channels::twilio::signature::{body_sha256_hex, sign, validate, validate_body};
use serde_json::Value;

use crate::helpers::testdata_json;

struct Vector {
    name: String,
    auth_token: String,
    url_as_received: String,
    url_actually_signed: Option<String>,
    params: Vec<(String, String)>,
    signature: String,
    expect_valid: bool,
    raw_body: Option<String>,
}

fn vectors() -> Vec<Vector> {
    let data = testdata_json("twilio/signature_vectors.json");
    let vectors: Vec<Vector> = data["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_string(),
            auth_token: v["auth_token"].as_str().unwrap().to_string(),
            url_as_received: v["url_as_received"].as_str().unwrap().to_string(),
            url_actually_signed: v["url_actually_signed"].as_str().map(str::to_string),
            params: form(&v["params"]),
            signature: v["signature"].as_str().unwrap().to_string(),
            expect_valid: v["expect_valid"].as_bool().unwrap(),
            raw_body: v["raw_body"].as_str().map(str::to_string),
        })
        .collect();
    assert!(vectors.len() >= 14, "the vector file lost vectors");
    vectors
}

/// `{"k": "v", "m": ["a", "b"]}` as a form: one pair per value.
fn form(params: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in params.as_object().unwrap() {
        match value {
            Value::String(s) => out.push((key.clone(), s.clone())),
            Value::Array(values) => {
                for v in values {
                    out.push((key.clone(), v.as_str().unwrap().to_string()));
                }
            }
            other => panic!("unexpected parameter value {other}"),
        }
    }
    out
}

#[test]
fn every_helper_library_vector_gets_the_expected_verdict() {
    for v in vectors() {
        assert_eq!(
            validate(&v.url_as_received, &v.params, &v.auth_token, &v.signature),
            v.expect_valid,
            "{}",
            v.name
        );
    }
}

#[test]
fn parameter_order_does_not_change_the_verdict() {
    for v in vectors() {
        let mut reversed = v.params.clone();
        reversed.reverse();
        assert_eq!(
            validate(&v.url_as_received, &reversed, &v.auth_token, &v.signature),
            v.expect_valid,
            "{}",
            v.name
        );
    }
}

#[test]
fn sign_reproduces_every_vector_over_the_url_twilio_actually_signed() {
    for v in vectors() {
        let url = v
            .url_actually_signed
            .as_deref()
            .unwrap_or(&v.url_as_received);
        assert_eq!(
            sign(url, &v.params, &v.auth_token),
            v.signature,
            "{}",
            v.name
        );
    }
}

#[test]
fn every_json_body_vector_validates_with_its_body_hash() {
    let with_body: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.raw_body.is_some())
        .collect();
    assert_eq!(with_body.len(), 3);
    for v in with_body {
        let body = v.raw_body.as_deref().unwrap().as_bytes();
        assert!(
            validate_body(&v.url_as_received, body, &v.auth_token, &v.signature),
            "{}",
            v.name
        );
        // The same request with another body must fail on the hash alone.
        assert!(
            !validate_body(
                &v.url_as_received,
                b"{\"property\": \"other\"}",
                &v.auth_token,
                &v.signature
            ),
            "{}",
            v.name
        );
    }
}

#[test]
fn every_body_hash_vector_matches_sha256_hex() {
    let data = testdata_json("twilio/signature_vectors.json");
    let hashes = data["body_hash_vectors"].as_array().unwrap();
    assert_eq!(hashes.len(), 2);
    for h in hashes {
        assert_eq!(
            body_sha256_hex(h["body"].as_str().unwrap().as_bytes()),
            h["sha256_hex"].as_str().unwrap()
        );
    }
}

#[test]
fn a_changed_added_or_removed_parameter_is_refused() {
    for v in vectors().into_iter().filter(|v| !v.params.is_empty()) {
        let mut changed = v.params.clone();
        changed[0].1.push('9');
        let mut added = v.params.clone();
        added.push(("Extra".into(), "1".into()));
        let mut removed = v.params.clone();
        removed.pop();
        for params in [changed, added, removed] {
            assert!(
                !validate(&v.url_as_received, &params, &v.auth_token, &v.signature),
                "{}: {params:?}",
                v.name
            );
        }
    }
}

#[test]
fn a_different_url_token_or_signature_is_refused() {
    for v in vectors() {
        let url = &v.url_as_received;
        let other_path = url.replace("myapp.php", "other.php");
        let other_query = url.replace("foo=1", "foo=2");
        let other_scheme = if url.starts_with("https") {
            url.replacen("https", "http", 1)
        } else {
            url.replacen("http", "https", 1)
        };
        for wrong_url in [other_path, other_query, other_scheme] {
            if wrong_url == *url {
                continue;
            }
            assert!(
                !validate(&wrong_url, &v.params, &v.auth_token, &v.signature),
                "{}: {wrong_url}",
                v.name
            );
        }
        assert!(
            !validate(url, &v.params, "54321", &v.signature),
            "{}",
            v.name
        );
        let mut flipped = v.signature.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        for header in ["", " ", "not base64!", &flipped, &v.signature[..10]] {
            assert!(
                !validate(url, &v.params, &v.auth_token, header),
                "{}: {header:?}",
                v.name
            );
        }
    }
}

#[test]
fn an_unsigned_request_is_refused() {
    let v = &vectors()[0];
    assert!(!validate(&v.url_as_received, &v.params, &v.auth_token, ""));
    assert!(!validate_body(&v.url_as_received, b"{}", &v.auth_token, ""));
}

#[test]
fn a_json_body_is_refused_without_a_body_hash_in_the_url() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let header = sign(url, &[], "12345");
    assert!(validate(url, &[], "12345", &header));
    assert!(!validate_body(url, b"{}", "12345", &header));
}

#[test]
fn a_signature_over_a_form_is_not_accepted_for_another_body() {
    // The body-hash mode signs the URL only; a form validator must still
    // require the parameters, so a URL-only signature fails with params.
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let header = sign(url, &[], "12345");
    let params = vec![("Body".to_string(), "hi".to_string())];
    assert!(!validate(url, &params, "12345", &header));
}
