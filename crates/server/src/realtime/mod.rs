//! Live events: the in-process hub, the tailer that feeds it from the log
//! in order, and the PostgreSQL listener that wakes the tailer when another
//! node commits. The SSE endpoint that serves them is `crate::http::sse`.

mod hub;
mod postgres;
mod seen;
pub mod tail;

pub use hub::Hub;
pub use seen::Seen;
