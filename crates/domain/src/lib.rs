//! Switchboard's domain: the words of DESIGN.md §1 as types, the conversation
//! lifecycle (§2) and the permission table (§3) as pure functions.
//!
//! Nothing here does I/O or is async: the store persists these types, the
//! services decide with these functions, the HTTP layer parses into them.

pub mod assignment;
pub mod canned;
pub mod channel;
pub mod contact;
pub mod conversation;
pub mod error;
pub mod event;
pub mod highlight;
pub mod hours;
pub mod ids;
pub mod inbox;
pub mod lifecycle;
pub mod media;
pub mod mention;
pub mod message;
pub mod out_of_office;
pub mod permissions;
pub mod profile;
pub mod schedule;
pub mod sla;
pub mod text;
pub mod user;
pub mod workspace;

pub use assignment::{AssignmentMode, AssignmentPolicy};
pub use canned::CannedReply;
pub use channel::{Channel, ChannelKind, Provider};
pub use contact::{Contact, EmailAddress, PhoneNumber};
pub use conversation::{Conversation, Link, LinkKind, Priority, Status, Tag, View};
pub use error::DomainError;
pub use event::{Event, EventKind};
pub use hours::{BusinessHours, WeekText};
pub use ids::Id;
pub use inbox::{ApiCode, Inbox, InboxKind, InboxMember, Purpose, Registration, UnreadMode};
pub use lifecycle::{transition, LifecycleError, Outcome, Trigger};
pub use media::{Media, MediaId, MediaType};
pub use message::{Attachment, DeliveryStatus, Message, MessageBody, MessageKind};
pub use out_of_office::{OutOfOffice, OutOfOfficeText};
pub use permissions::{authorize, Action, Actor, Denied, Subject};
pub use profile::{Availability, Zone};
pub use schedule::{CancelReason, ScheduledSend};
pub use sla::{
    SlaClock, SlaDue, SlaFacts, SlaPolicy, SlaPolicyText, SlaState, SlaTargets, SlaTargetsText,
};
pub use user::User;
pub use workspace::{Role, Workspace, WorkspaceMember};

/// Timestamps are UTC everywhere.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// Ids of each aggregate: distinct types over the same time-ordered text.
pub type WorkspaceId = Id<Workspace>;
/// A saved reply's id.
pub type CannedReplyId = Id<CannedReply>;
/// Id of a [`User`].
pub type UserId = Id<User>;
/// Id of an [`Inbox`].
pub type InboxId = Id<Inbox>;
/// Id of a [`Channel`].
pub type ChannelId = Id<Channel>;
/// Id of a [`Contact`].
pub type ContactId = Id<Contact>;
/// Id of a [`Conversation`].
pub type ConversationId = Id<Conversation>;
/// Id of a [`Message`].
pub type MessageId = Id<Message>;
/// Id of a [`Link`].
pub type LinkId = Id<Link>;
