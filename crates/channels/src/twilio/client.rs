//! Twilio's REST API (2010-04-01): send a message, search for numbers, buy one.

use std::fmt;
use std::time::Duration;

use domain::{DeliveryStatus, PhoneNumber};
use serde::de::DeserializeOwned;
use url::Url;

use super::responses::{
    error_from, transport_error, AvailablePage, IncomingNumberResource, MessageResource,
};
use super::{signature, webhook};
use crate::error::Error;
use crate::sms::{
    AvailableNumber, BoxFuture, NumberSearch, OutboundSms, PurchaseRequest, PurchasedNumber,
    SentSms, SmsProvider,
};

/// How to reach one Twilio account.
#[derive(Clone)]
pub struct TwilioConfig {
    /// Twilio's API root; tests point it at the stand-in.
    pub base_url: String,
    /// The account (`AC` and 32 hex digits): the basic-auth user and part of every path.
    pub account_sid: String,
    /// The account's auth token: the basic-auth password and the webhook-signing key.
    pub auth_token: String,
    /// The most one request may take, connection included.
    pub timeout: Duration,
}

impl TwilioConfig {
    /// Twilio's production API root.
    pub const DEFAULT_BASE_URL: &'static str = "https://api.twilio.com";
    /// Long enough for Twilio on a bad day, short enough that a sending job
    /// gives its worker back and retries.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

    /// The production API with the default timeout.
    pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Self {
        Self {
            base_url: Self::DEFAULT_BASE_URL.to_string(),
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioConfig")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A Twilio account's REST client; implements [`SmsProvider`].
#[derive(Clone)]
pub struct TwilioClient {
    config: TwilioConfig,
    base_url: Url,
    http: reqwest::Client,
}

impl fmt::Debug for TwilioClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TwilioClient {
    /// A client for `config`. Refuses an account sid that is not `AC` and 32
    /// hex digits (it goes into every URL path) and a base URL without a host.
    pub fn new(config: TwilioConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // Twilio's API does not redirect; following one would send the
            // account's credentials somewhere unexpected.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Self::with_http(config, http)
    }

    /// A client for `config` over a shared HTTP client (its connection pool
    /// and timeouts); it must not follow redirects. Each request still has
    /// `config.timeout`.
    pub fn with_http(config: TwilioConfig, http: reqwest::Client) -> Result<Self, Error> {
        let sid = &config.account_sid;
        if !(sid.len() == 34
            && sid.starts_with("AC")
            && sid[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(Error::Config(format!(
                "account sid {sid:?} is not AC followed by 32 hex digits"
            )));
        }
        let base_url = Url::parse(&config.base_url)
            .map_err(|e| Error::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        if base_url.cannot_be_a_base() || base_url.host().is_none() {
            return Err(Error::Config(format!("base URL {base_url} has no host")));
        }
        Ok(Self {
            config,
            base_url,
            http,
        })
    }

    /// The account this client acts for.
    pub fn account_sid(&self) -> &str {
        &self.config.account_sid
    }

    /// Whether a webhook Twilio sent to `url` with form `params` carries this
    /// account's signature (see [`signature::validate`]).
    pub fn validate_signature(&self, url: &str, params: &[(String, String)], header: &str) -> bool {
        signature::validate(url, params, &self.config.auth_token, header)
    }

    /// `{base}/2010-04-01/Accounts/{sid}/{tail…}`, each segment percent-encoded.
    fn endpoint(&self, tail: &[&str]) -> Result<Url, Error> {
        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Config("base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(["2010-04-01", "Accounts", self.config.account_sid.as_str()])
            .extend(tail);
        Ok(url)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Error> {
        let response = request
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .timeout(self.config.timeout)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport_error)?;
        if !status.is_success() {
            return Err(error_from(status, &body));
        }
        serde_json::from_slice(&body).map_err(|e| Error::UnexpectedResponse(e.to_string()))
    }

    #[tracing::instrument(name = "twilio.send", skip_all, err(level = "warn"))]
    async fn send_message(&self, sms: OutboundSms) -> Result<SentSms, Error> {
        let mut form: Vec<(&str, &str)> =
            vec![("To", sms.to.as_str()), ("From", sms.from.as_str())];
        // Twilio refuses an empty Body only when there is no media either.
        if !sms.body.is_empty() || sms.media_urls.is_empty() {
            form.push(("Body", &sms.body));
        }
        form.extend(sms.media_urls.iter().map(|u| ("MediaUrl", u.as_str())));
        if let Some(callback) = &sms.status_callback {
            form.push(("StatusCallback", callback.as_str()));
        }
        let url = self.endpoint(&["Messages.json"])?;
        let created: MessageResource = self.call(self.http.post(url).form(&form)).await?;
        if created.sid.trim().is_empty() {
            return Err(Error::UnexpectedResponse(
                "the created message has no sid".into(),
            ));
        }
        Ok(SentSms {
            provider_id: created.sid,
            status: created
                .status
                .as_deref()
                .and_then(webhook::delivery_status)
                .unwrap_or(DeliveryStatus::Sending),
        })
    }

    #[tracing::instrument(name = "twilio.available_numbers", skip_all, err(level = "warn"))]
    async fn search(&self, search: NumberSearch) -> Result<Vec<AvailableNumber>, Error> {
        let country = search.country.trim().to_ascii_uppercase();
        if !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err(Error::invalid(
                "country",
                "must be a two-letter ISO country code",
            ));
        }
        let mut query: Vec<(&str, &str)> = vec![("SmsEnabled", "true")];
        if let Some(area_code) = search
            .area_code
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            query.push(("AreaCode", area_code));
        }
        if let Some(contains) = search
            .contains
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            query.push(("Contains", contains));
        }
        let url = self.endpoint(&["AvailablePhoneNumbers", &country, "Local.json"])?;
        let page: AvailablePage = self.call(self.http.get(url).query(&query)).await?;
        Ok(page
            .available_phone_numbers
            .into_iter()
            .filter_map(|n| {
                // Twilio sends E.164, so the region is only a fallback; a
                // number our parser refuses could not be stored, so it is not offered.
                let phone_number = match PhoneNumber::parse(&n.phone_number, &country) {
                    Ok(number) => number,
                    Err(e) => {
                        tracing::warn!(error = %e, "skipping an available number that does not parse");
                        return None;
                    }
                };
                Some(AvailableNumber {
                    friendly_name: n.friendly_name.unwrap_or_else(|| phone_number.to_string()),
                    phone_number,
                    locality: n.locality.filter(|s| !s.is_empty()),
                    region: n.region.filter(|s| !s.is_empty()),
                    iso_country: n.iso_country.unwrap_or_else(|| country.clone()),
                    sms: n.capabilities.sms,
                    mms: n.capabilities.mms,
                    voice: n.capabilities.voice,
                })
            })
            .collect())
    }

    #[tracing::instrument(name = "twilio.purchase_number", skip_all, err(level = "warn"))]
    async fn purchase(&self, request: PurchaseRequest) -> Result<PurchasedNumber, Error> {
        let mut form: Vec<(&str, &str)> = vec![
            ("PhoneNumber", request.phone_number.as_str()),
            ("SmsUrl", request.sms_url.as_str()),
            ("SmsMethod", "POST"),
        ];
        if let Some(voice_url) = &request.voice_url {
            form.push(("VoiceUrl", voice_url.as_str()));
            form.push(("VoiceMethod", "POST"));
        }
        let url = self.endpoint(&["IncomingPhoneNumbers.json"])?;
        let created: IncomingNumberResource = self.call(self.http.post(url).form(&form)).await?;
        // Twilio buys exactly the number named, so the requested one is kept:
        // failing here over its spelling would hide a purchase that happened.
        Ok(PurchasedNumber {
            provider_id: created.sid,
            phone_number: request.phone_number,
        })
    }
}

impl SmsProvider for TwilioClient {
    fn send(&self, sms: OutboundSms) -> BoxFuture<'_, Result<SentSms, Error>> {
        Box::pin(self.send_message(sms))
    }

    fn available_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'_, Result<Vec<AvailableNumber>, Error>> {
        Box::pin(self.search(search))
    }

    fn purchase_number(
        &self,
        request: PurchaseRequest,
    ) -> BoxFuture<'_, Result<PurchasedNumber, Error>> {
        Box::pin(self.purchase(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auth_token_never_appears_in_debug_output() {
        let config = TwilioConfig::new(format!("AC{}", "a".repeat(32)), "s3cr3t-token");
        let client = TwilioClient::new(config.clone()).unwrap();
        assert!(!format!("{config:?}").contains("s3cr3t"));
        assert!(!format!("{client:?}").contains("s3cr3t"));
    }

    #[test]
    fn an_account_sid_that_could_change_the_path_is_refused() {
        for sid in ["AC/../../x", "ACshort", ""] {
            assert!(matches!(
                TwilioClient::new(TwilioConfig::new(sid, "t")),
                Err(Error::Config(_))
            ));
        }
    }

    #[test]
    fn endpoints_keep_a_base_path_and_encode_segments() {
        let mut config = TwilioConfig::new(format!("AC{}", "b".repeat(32)), "t");
        config.base_url = "http://127.0.0.1:9/twilio/".into();
        let client = TwilioClient::new(config).unwrap();
        assert_eq!(
            client.endpoint(&["Messages.json"]).unwrap().as_str(),
            format!(
                "http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC{}/Messages.json",
                "b".repeat(32)
            )
        );
    }
}
