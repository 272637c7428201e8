//! The stand-in itself: it must hold Twilio's wire format as strictly as the
//! OpenAPI extract says, or the client tests prove nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::Value;
use twilio_standin::spec::{self, Kind};
use twilio_standin::TwilioStandin;

fn extract() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/twilio/messages_create_openapi_extract.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What the extract says a parameter is, in the stand-in's terms.
fn kind_in_extract(extract: &Value, schema: &Value) -> (Kind, bool) {
    if schema["type"] == "array" {
        let (kind, _) = kind_in_extract(extract, &schema["items"]);
        let kind = if schema["items"]["x-twilio"]["ignoreFormat"] == true {
            Kind::Text
        } else {
            kind
        };
        return (kind, true);
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        let words: Vec<String> = extract["enums"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect();
        let words: &'static [&'static str] = Box::leak(
            words
                .into_iter()
                .map(|w| &*Box::leak(w.into_boxed_str()))
                .collect::<Vec<&'static str>>()
                .into_boxed_slice(),
        );
        return (Kind::Enum(words), false);
    }
    let kind = match (schema["type"].as_str().unwrap(), schema["format"].as_str()) {
        ("string", Some("phone-number")) => Kind::Phone,
        ("string", Some("uri")) => Kind::Url,
        ("string", Some("date-time")) => Kind::DateTime,
        ("string", None) => match schema["pattern"].as_str() {
            Some(pattern) => Kind::Sid(Box::leak(pattern[1..3].to_string().into_boxed_str())),
            None => Kind::Text,
        },
        ("boolean", _) => Kind::Bool,
        ("integer", _) => Kind::Integer,
        ("number", _) => Kind::Number,
        other => panic!("unexpected schema {other:?}"),
    };
    (kind, false)
}

#[test]
fn the_message_parameters_are_exactly_those_of_twilios_openapi_spec() {
    let extract = extract();
    let params = extract["request_params"].as_object().unwrap();
    let names: Vec<&str> = params.keys().map(String::as_str).collect();
    let mut ours: Vec<&str> = spec::MESSAGE_PARAMS.iter().map(|p| p.name).collect();
    ours.sort_unstable();
    assert_eq!(ours, names, "serde_json keeps the extract's keys sorted");
    for param in spec::MESSAGE_PARAMS {
        let (kind, repeatable) = kind_in_extract(&extract, &params[param.name]);
        assert_eq!(
            (param.kind, param.repeatable),
            (kind, repeatable),
            "{}",
            param.name
        );
    }
    let required: Vec<&str> = extract["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(spec::MESSAGE_REQUIRED, required.as_slice());
    // The extract names the groups in snake case (`messaging_service_sid`).
    let groups: Vec<Vec<String>> = extract["conditional_x_twilio"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g.as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().replace('_', ""))
                .collect()
        })
        .collect();
    let ours: Vec<Vec<String>> = spec::MESSAGE_ONE_OF
        .iter()
        .map(|g| g.iter().map(|n| n.to_lowercase()).collect())
        .collect();
    assert_eq!(ours, groups);
}

struct Raw {
    standin: TwilioStandin,
    http: reqwest::Client,
}

impl Raw {
    async fn start() -> Self {
        Self {
            standin: TwilioStandin::start().await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn messages_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.standin.base_url, self.standin.account_sid
        )
    }

    /// Posts a form with the right credentials; returns status and JSON.
    async fn post(&self, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(url)
            .basic_auth(&self.standin.account_sid, Some(&self.standin.auth_token))
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

const GOOD: &[(&str, &str)] = &[
    ("To", "+14155550123"),
    ("From", "+14155550100"),
    ("Body", "hello"),
];

#[tokio::test]
async fn a_good_request_gets_the_official_201_shape_with_a_fresh_sid() {
    let raw = Raw::start().await;
    let (status, first) = raw.post(&raw.messages_url(), GOOD).await;
    assert_eq!(status, 201);
    let (_, second) = raw.post(&raw.messages_url(), GOOD).await;

    let official = &extract()["response_201_examples"]["create"];
    let mut official_keys: Vec<&String> = official.as_object().unwrap().keys().collect();
    let mut our_keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    official_keys.sort();
    our_keys.sort();
    assert_eq!(our_keys, official_keys);
    assert_eq!(first["status"], "queued");
    assert_eq!(first["direction"], "outbound-api");
    assert_eq!(first["to"], "+14155550123");
    assert_eq!(first["account_sid"], raw.standin.account_sid.as_str());
    let sid = first["sid"].as_str().unwrap();
    assert!(sid.starts_with("SM") && sid.len() == 34);
    assert!(sid[2..].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(first["sid"], second["sid"]);
    assert!(raw.standin.rejections().is_empty());
}

#[tokio::test]
async fn a_request_with_a_misspelt_field_name_is_rejected() {
    let raw = Raw::start().await;
    let (status, body) = raw
        .post(
            &raw.messages_url(),
            &[
                ("To", "+14155550123"),
                ("From", "+14155550100"),
                ("Body", "hi"),
                ("StatusCallbak", "https://x.example/s"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("StatusCallbak"),
        "{body}"
    );
    let rejections = raw.standin.rejections();
    assert_eq!(rejections.len(), 1);
    assert!(rejections[0]
        .rejection
        .as_ref()
        .unwrap()
        .contains("unknown parameter"));
    assert!(raw.standin.sent_messages().is_empty());
}

#[tokio::test]
async fn missing_required_fields_get_twilios_own_error_codes() {
    let raw = Raw::start().await;
    let url = raw.messages_url();
    let cases: &[(&[(&str, &str)], u64)] = &[
        (&[("From", "+14155550100"), ("Body", "hi")], 21604),
        (&[("To", "+14155550123"), ("Body", "hi")], 21603),
        (&[("To", "+14155550123"), ("From", "+14155550100")], 21602),
    ];
    for (form, code) in cases {
        let (status, body) = raw.post(&url, form).await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (400, Some(*code)),
            "{form:?}"
        );
        assert_eq!(
            body["more_info"],
            format!("https://www.twilio.com/docs/errors/{code}")
        );
    }
    // A messaging service stands in for From, media for Body.
    let (status, body) = raw
        .post(
            &url,
            &[
                ("To", "+14155550123"),
                ("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"),
                ("MediaUrl", "https://cdn.example.com/a.jpg"),
            ],
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "accepted");
}

#[tokio::test]
async fn malformed_values_and_repeated_fields_are_rejected() {
    let raw = Raw::start().await;
    let url = raw.messages_url();
    let bad: &[&[(&str, &str)]] = &[
        &[
            ("To", "4155550123"),
            ("From", "+14155550100"),
            ("Body", "hi"),
        ],
        &[
            ("To", "+14155550123"),
            ("To", "+14155550124"),
            ("From", "+14155550100"),
            ("Body", "hi"),
        ],
        &[
            ("To", "+14155550123"),
            ("From", "+14155550100"),
            ("Body", "hi"),
            ("StatusCallback", "/relative"),
        ],
        &[
            ("To", "+14155550123"),
            ("MessagingServiceSid", "MG123"),
            ("Body", "hi"),
        ],
        &[
            ("To", "+14155550123"),
            ("From", "+14155550100"),
            ("Body", "hi"),
            ("RiskCheck", "maybe"),
        ],
        &[
            ("To", "+14155550123"),
            ("From", "+14155550100"),
            ("Body", "hi"),
            ("SendAt", "tomorrow"),
        ],
        &[
            ("To", "+14155550123"),
            ("From", "+14155550100"),
            ("Body", "hi"),
            ("SmartEncoded", "yes"),
        ],
    ];
    for form in bad {
        let (status, _) = raw.post(&url, form).await;
        assert_eq!(status, 400, "{form:?}");
    }
    assert_eq!(raw.standin.rejections().len(), bad.len());
}

#[tokio::test]
async fn a_json_body_is_rejected_because_twilio_takes_forms() {
    let raw = Raw::start().await;
    let response = raw
        .http
        .post(raw.messages_url())
        .basic_auth(&raw.standin.account_sid, Some(&raw.standin.auth_token))
        .json(&serde_json::json!({"To": "+14155550123", "From": "+14155550100", "Body": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(raw.standin.rejections()[0]
        .rejection
        .as_ref()
        .unwrap()
        .contains("Content-Type"));
}

#[tokio::test]
async fn missing_or_wrong_credentials_and_another_account_are_refused() {
    let raw = Raw::start().await;
    let url = raw.messages_url();
    let unauthenticated = raw.http.post(&url).form(GOOD).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let body: Value = unauthenticated.json().await.unwrap();
    assert_eq!(body["code"], 20003);

    let wrong = raw
        .http
        .post(&url)
        .basic_auth(&raw.standin.account_sid, Some("wrong"))
        .form(GOOD)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let other_account = format!(
        "{}/2010-04-01/Accounts/AC{}/Messages.json",
        raw.standin.base_url,
        "f".repeat(32)
    );
    let (status, body) = raw.post(&other_account, GOOD).await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
    assert_eq!(raw.standin.rejections().len(), 3);
}

#[tokio::test]
async fn number_search_and_purchase_refuse_unknown_parameters() {
    let raw = Raw::start().await;
    let base = format!(
        "{}/2010-04-01/Accounts/{}",
        raw.standin.base_url, raw.standin.account_sid
    );
    let search = raw
        .http
        .get(format!(
            "{base}/AvailablePhoneNumbers/US/Local.json?Areacode=415"
        ))
        .basic_auth(&raw.standin.account_sid, Some(&raw.standin.auth_token))
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), 400);
    let (status, _) = raw
        .post(
            &format!("{base}/IncomingPhoneNumbers.json"),
            &[
                ("PhoneNumber", "+14155550101"),
                ("SmsURL", "https://x.example/sms"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(raw.standin.rejections().len(), 2);
}

#[tokio::test]
async fn a_status_callback_for_a_message_it_never_accepted_is_an_error() {
    let standin = TwilioStandin::start().await.unwrap();
    assert!(standin
        .send_status_callback("SM0000", "delivered", None)
        .await
        .is_err());
}
