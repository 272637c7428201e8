//! The web app's pages and partials, one askama struct each.

pub mod actions;
pub mod app;
pub mod auth;
pub mod availability;
pub mod canned;
pub mod compose;
pub mod contacts;
pub mod conversation;
pub mod details;
pub mod integrations;
pub mod invite;
pub mod new_inbox;
pub mod numbers;
pub mod profile;
pub mod profile_notifications;
pub mod queue;
pub mod scheduled;
pub mod settings;
pub mod settings_actions;
pub mod slack_settings;
pub mod snooze;
pub mod status_action;
pub mod team;
pub mod timeline;
