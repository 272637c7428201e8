//! Live events: the in-process hub, the SSE feed, and the PostgreSQL bridge
//! that carries events between nodes.

mod hub;
pub mod postgres;
mod seen;
pub mod sse;

pub use hub::Hub;
