//! What the process holds once the figures are done and it is left idle
//! (issue 12: under 50 MB), read from `/proc/self/status` (Linux only). The
//! bench's server runs in this process, so these are the server's figures
//! after a burst of heavy queries (and, without `--reuse`, the load).

use std::time::Duration;

/// How long the bench leaves the server idle before reading its memory by
/// default: long enough for the allocator's delayed return to the operating
/// system (jemalloc's background thread hands freed pages back over
/// `dirty_decay_ms`, 1 s, `.cargo/config.toml`; README "Memory").
pub const IDLE: Duration = Duration::from_secs(5);

/// Resident memory, in MB (10^6 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// The most the process held at once (`VmHWM`).
    pub peak_mb: f64,
    /// What it holds after the idle wait with no request (`VmRSS`).
    pub idle_mb: f64,
    /// The anonymous part of that: heaps, not the mapped program (`RssAnon`).
    pub idle_anon_mb: f64,
}

/// Waits `idle`, then reads the process's memory; `None` where there is
/// no `/proc/self/status`.
pub async fn after_idle(idle: Duration) -> Option<Memory> {
    tokio::time::sleep(idle).await;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some(Memory {
        peak_mb: field_mb(&status, "VmHWM:")?,
        idle_mb: field_mb(&status, "VmRSS:")?,
        idle_anon_mb: field_mb(&status, "RssAnon:")?,
    })
}

/// A `Name:   1234 kB` line's value in MB.
fn field_mb(status: &str, name: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    let kb: f64 = line[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024.0 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_line_is_read_in_megabytes() {
        let status = "Name:\tswitchboard\nVmHWM:\t  100000 kB\nVmRSS:\t   48828 kB\n";
        assert_eq!(field_mb(status, "VmHWM:"), Some(102.4));
        assert_eq!(field_mb(status, "VmRSS:"), Some(49.999872));
        assert_eq!(field_mb(status, "RssAnon:"), None);
    }
}
