//! Typed, time-ordered ids (UUIDv7 as text).

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a `T`. Ids are UUIDv7 strings, so they sort by creation time;
/// the type parameter keeps a conversation id from being passed as a user id.
pub struct Id<T> {
    value: String,
    kind: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self::from_trusted(uuid::Uuid::now_v7().to_string())
    }

    /// Parses an id received from outside: it must be a UUID.
    pub fn parse(raw: &str) -> Result<Self, crate::DomainError> {
        uuid::Uuid::parse_str(raw)
            .map(|u| Self::from_trusted(u.to_string()))
            .map_err(|_| crate::DomainError::InvalidId(raw.chars().take(64).collect()))
    }

    /// Wraps a value that is already known to be an id (read from the database).
    pub fn from_trusted(value: String) -> Self {
        Self {
            value,
            kind: PhantomData,
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The id as owned text.
    pub fn into_string(self) -> String {
        self.value
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        Self::from_trusted(self.value.clone())
    }
}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T> Eq for Id<T> {}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T> std::hash::Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}
impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}
impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}
impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}
impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use crate::ConversationId;

    #[test]
    fn generated_ids_sort_by_creation() {
        let a = ConversationId::generate();
        let b = ConversationId::generate();
        assert!(a < b);
    }

    #[test]
    fn an_id_that_is_not_a_uuid_is_refused() {
        assert!(ConversationId::parse("../etc/passwd").is_err());
        assert!(ConversationId::parse("0190c6a2-7b1e-7000-8000-000000000000").is_ok());
    }
}
