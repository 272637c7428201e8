//! Slack, for notifications: the Web API calls ([`client`]), the Block Kit
//! of a notification ([`blocks`]), the signature of the requests Slack sends
//! ([`signature`]) and the interactions they carry ([`interactions`]).

pub mod blocks;
pub mod client;
pub mod interactions;
pub mod signature;

pub use blocks::Notification;
pub use client::{
    channel_name, is_token_problem, BotIdentity, CreatedChannel, PostedMessage, SlackClient,
    SlackUser, DEFAULT_API_BASE,
};
pub use interactions::{parse as parse_interaction, team_of, BadInteraction, Interaction};
pub use signature::{sign, verify, SignatureError};
