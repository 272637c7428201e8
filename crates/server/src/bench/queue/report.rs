//! What a queue bench measured: a table for people, one JSON line for scripts.

use std::fmt;

use serde_json::{json, Map, Value};

use super::Memory;

/// One figure's timings.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureResult {
    /// Its name (`list.open.mine`, `search.rare`, …).
    pub name: String,
    /// Median, in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile (nearest rank: the slowest of fewer than 100 runs).
    pub p99_ms: f64,
    /// Issue 12's goal for the median, if it set one.
    pub goal_ms: Option<f64>,
}

/// How the load went (absent with `--reuse`).
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// Wall time of the bulk load.
    pub seconds: f64,
    /// Events written.
    pub events: usize,
    /// Contacts written.
    pub contacts: usize,
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueReport {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Conversations in the database.
    pub conversations: i64,
    /// Messages in the database.
    pub messages: i64,
    /// The load, when this run made it.
    pub loaded: Option<Load>,
    /// Size of the database.
    pub db_bytes: i64,
    /// Timed calls per figure.
    pub runs: usize,
    /// Every figure, in the order timed.
    pub figures: Vec<FigureResult>,
    /// The kept database's URL (`--keep`), to pass to `--reuse`.
    pub kept: Option<String>,
    /// Counter rows that differ from a recount after the run (0: exact).
    pub counter_drift: i64,
    /// The process's memory once idle after the figures (Linux; not read
    /// when the options skip the wait).
    pub memory: Option<Memory>,
}

impl QueueReport {
    /// The report as one line of JSON (the last line the CLI prints).
    pub fn to_json(&self) -> String {
        let figures: Map<String, Value> = self
            .figures
            .iter()
            .map(|f| {
                let v = json!({ "p50_ms": round(f.p50_ms), "p99_ms": round(f.p99_ms) });
                (f.name.clone(), v)
            })
            .collect();
        json!({
            "backend": self.backend,
            "conversations": self.conversations,
            "messages": self.messages,
            "load_seconds": self.loaded.as_ref().map(|l| round(l.seconds)),
            "db_bytes": self.db_bytes,
            "runs": self.runs,
            "counter_drift": self.counter_drift,
            "rss_peak_mb": self.memory.map(|m| round(m.peak_mb)),
            "rss_idle_mb": self.memory.map(|m| round(m.idle_mb)),
            "rss_idle_anon_mb": self.memory.map(|m| round(m.idle_anon_mb)),
            "figures": figures,
        })
        .to_string()
    }

    /// The figures whose median misses its goal.
    pub fn missed(&self) -> impl Iterator<Item = &FigureResult> {
        self.figures
            .iter()
            .filter(|f| f.goal_ms.is_some_and(|goal| f.p50_ms > goal))
    }
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

impl fmt::Display for QueueReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} conversations, {} messages on {} ({:.1} MB)",
            self.conversations,
            self.messages,
            self.backend,
            self.db_bytes as f64 / 1e6
        )?;
        if let Some(load) = &self.loaded {
            writeln!(
                f,
                "loaded in {:.1} s ({} contacts, {} events)",
                load.seconds, load.contacts, load.events
            )?;
        }
        if let Some(url) = &self.kept {
            writeln!(f, "kept: {url} (time it again with --reuse --database-url)")?;
        }
        writeln!(
            f,
            "{:<28} {:>9} {:>9} {:>6}   ({} runs each)",
            "figure", "p50 ms", "p99 ms", "goal", self.runs
        )?;
        for r in &self.figures {
            let goal = match r.goal_ms {
                Some(goal) if r.p50_ms > goal => format!("{goal:.0} ✗"),
                Some(goal) => format!("{goal:.0} ✓"),
                None => String::new(),
            };
            writeln!(
                f,
                "{:<28} {:>9.2} {:>9.2} {:>6}",
                r.name, r.p50_ms, r.p99_ms, goal
            )?;
        }
        writeln!(
            f,
            "counters: {}",
            match self.counter_drift {
                0 => "exact (agree with a recount)".to_string(),
                n => format!("{n} rows differ from a recount"),
            }
        )?;
        if let Some(m) = &self.memory {
            writeln!(
                f,
                "memory: {:.1} MB resident once idle ({:.1} MB anonymous), {:.1} MB at the peak",
                m.idle_mb, m.idle_anon_mb, m.peak_mb
            )?;
        }
        write!(f, "{} figures miss their goal", self.missed().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_line_has_each_figure_with_p50_and_p99() {
        let report = QueueReport {
            backend: "sqlite",
            conversations: 2,
            messages: 3,
            loaded: None,
            db_bytes: 10,
            runs: 1,
            figures: vec![FigureResult {
                name: "counts.agent".into(),
                p50_ms: 1.23456,
                p99_ms: 2.0,
                goal_ms: Some(10.0),
            }],
            kept: None,
            counter_drift: 0,
            memory: None,
        };
        let json: Value = serde_json::from_str(&report.to_json()).unwrap_or_default();
        assert_eq!(json["figures"]["counts.agent"]["p50_ms"], 1.235);
        assert_eq!(json["figures"]["counts.agent"]["p99_ms"], 2.0);
        assert_eq!(json["load_seconds"], Value::Null);
        assert_eq!(report.missed().count(), 0);
    }
}
