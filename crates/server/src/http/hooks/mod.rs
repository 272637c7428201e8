//! Provider webhooks (DESIGN.md §6): no session; each request is verified by
//! its provider's signature, stored once, and answered fast.

pub mod slack;
pub mod twilio;
