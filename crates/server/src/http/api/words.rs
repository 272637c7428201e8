//! The OpenAPI schemas of the API's words (`status`, `priority`, `kind`, …):
//! string enums built from the same [`Word`] tables the server parses and
//! writes with, so the document lists exactly the values it accepts and
//! answers. Views keep these fields as `String` and point their schema here
//! with `#[schema(value_type = StatusWord)]`.

use std::borrow::Cow;

use domain::text::Word;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// A string schema whose values are `words`.
pub fn enum_schema<'a>(description: &str, words: impl IntoIterator<Item = &'a str>) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(words))
            .build(),
    )
}

/// Declares a schema-only type named `$name` listing the words of `$word`.
macro_rules! word_schema {
    ($(#[doc = $doc:literal])+ $ty:ident = $word:ty, $name:literal) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy)]
        pub struct $ty;

        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                RefOr::T(enum_schema(
                    concat!($($doc),+).trim(),
                    <$word as Word>::ALL.iter().map(|(_, word)| *word),
                ))
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

/// Declares a schema-only type named `$name` listing the given words: for
/// the fields that accept only some words of a kind.
macro_rules! words_schema {
    ($(#[doc = $doc:literal])+ $ty:ident = [$($word:literal),+ $(,)?], $name:literal) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy)]
        pub struct $ty;

        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                RefOr::T(enum_schema(concat!($($doc),+).trim(), [$($word),+]))
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

word_schema!(
    /// A conversation's status.
    StatusWord = domain::Status, "Status"
);
word_schema!(
    /// A conversation's priority.
    PriorityWord = domain::Priority, "Priority"
);
word_schema!(
    /// A queue view: which statuses it shows.
    ViewWord = domain::View, "View"
);
word_schema!(
    /// The queue's order.
    SortWord = store::queue::Sort, "Sort"
);
word_schema!(
    /// Where conversations stand against their SLA due time: `soon` (due
    /// soon), `breached` (overdue) or `at_risk` (either).
    SlaStandingWord = store::queue::SlaStanding, "SlaStanding"
);
word_schema!(
    /// Who wrote a message: the customer (`inbound`), the team (`outbound`), or an internal `note`.
    MessageKindWord = domain::MessageKind, "MessageKind"
);
word_schema!(
    /// How far a reply got towards the customer.
    DeliveryStatusWord = domain::DeliveryStatus, "DeliveryStatus"
);
word_schema!(
    /// What a link points at in the other system.
    LinkKindWord = domain::LinkKind, "LinkKind"
);
word_schema!(
    /// Whether an inbox is the team's or one person's.
    InboxKindWord = domain::InboxKind, "InboxKind"
);
word_schema!(
    /// What an inbox is for.
    PurposeWord = domain::Purpose, "Purpose"
);
word_schema!(
    /// Whether unread is kept per person or for the whole team.
    UnreadModeWord = domain::UnreadMode, "UnreadMode"
);
word_schema!(
    /// How an inbox hands out conversations that enter its Unassigned queue.
    AssignmentModeWord = domain::AssignmentMode, "AssignmentMode"
);
words_schema!(
    /// What contact owner does when the owner cannot take a conversation.
    AssignmentFallbackWord = ["manual", "round_robin", "balanced"], "AssignmentFallback"
);
word_schema!(
    /// An inbox's carrier registration (10DLC), which SMS replies need.
    RegistrationWord = domain::Registration, "Registration"
);
word_schema!(
    /// What a channel carries.
    ChannelKindWord = domain::ChannelKind, "ChannelKind"
);
word_schema!(
    /// Who carries a channel's messages.
    ProviderWord = domain::Provider, "Provider"
);
word_schema!(
    /// Where a background job is in its life.
    JobStateWord = store::jobs::JobStatus, "JobState"
);
words_schema!(
    /// A status a person may set with `POST …/status` (snoozing has its own button).
    SettableStatusWord = ["open", "pending", "on_hold", "resolved", "closed"], "SettableStatus"
);
words_schema!(
    /// `reply` (sent to the customer) or `note` (internal).
    PostKindWord = ["reply", "note"], "PostKind"
);

#[cfg(test)]
mod tests {
    use domain::text::Word;
    use utoipa::PartialSchema;

    use super::*;

    fn values(schema: RefOr<Schema>) -> Vec<String> {
        let RefOr::T(Schema::Object(object)) = schema else {
            panic!("not an inline object schema");
        };
        object
            .enum_values
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn a_word_schema_lists_every_word_the_server_parses() {
        let words: Vec<String> = domain::Status::ALL
            .iter()
            .map(|(_, w)| w.to_string())
            .collect();
        assert_eq!(values(StatusWord::schema()), words);
    }

    #[test]
    fn the_settable_statuses_are_statuses_that_parse() {
        for word in values(SettableStatusWord::schema()) {
            assert!(domain::Status::parse(&word).is_ok(), "{word}");
        }
    }
}
