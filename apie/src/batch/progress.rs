//! Progress on stderr: a bar with rate and ETA on a terminal, plain lines
//! otherwise (logs, CI, tests), one every 10 % or every 30 s at most.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Longest silence between two plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(30);

/// Progress of the calls of one run.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
    last_line: Instant,
    /// Tenths of the total already reported by a plain line.
    last_tenth: u64,
    /// Why the batch is paused, if it is: shown on the bar.
    waiting: Option<String>,
}

impl Progress {
    /// Progress over `total` calls: a bar when stderr is a terminal.
    pub(crate) fn new(total: u64) -> Progress {
        let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:30.cyan/blue} {pos}/{len} {msg} elapsed {elapsed} ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            total,
            done: 0,
            started: now,
            last_line: now,
            last_tenth: 0,
            waiting: None,
        }
    }

    /// One more call ended.
    pub(crate) fn inc(&mut self) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(self.message());
                bar.inc(1);
            }
            None => {
                let tenth = self.done * 10 / self.total.max(1);
                if tenth > self.last_tenth {
                    self.last_tenth = tenth;
                    self.plain_line();
                }
            }
        }
    }

    /// Says on the bar why the batch is paused (the rate limit, a maintenance window), or
    /// that it is not (`None`).
    pub(crate) fn waiting(&mut self, waiting: Option<String>) {
        self.waiting = waiting;
        if let Some(bar) = &self.bar {
            bar.set_message(self.message());
        }
    }

    fn message(&self) -> String {
        let rate = self.per_minute();
        match &self.waiting {
            Some(why) => format!("{rate:.0} calls/min, {why}"),
            None => format!("{rate:.0} calls/min"),
        }
    }

    /// Called regularly: a plain line if none was printed for 30 s.
    pub(crate) fn tick(&mut self) {
        if self.bar.is_none() && self.done < self.total && self.last_line.elapsed() >= PLAIN_EVERY {
            self.plain_line();
        }
    }

    /// Prints a message without breaking the bar.
    pub(crate) fn println(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }

    /// Removes the bar, leaving the terminal to the summary.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Calls per minute since the start of the run.
    pub(crate) fn per_minute(&self) -> f64 {
        let minutes = self.started.elapsed().as_secs_f64() / 60.0;
        if minutes > 0.0 {
            self.done as f64 / minutes
        } else {
            0.0
        }
    }

    /// Calls this run was to make.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// Time since the start of the run.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn plain_line(&mut self) {
        self.last_line = Instant::now();
        let rate = self.per_minute();
        let left = self.total.saturating_sub(self.done);
        let eta = if rate > 0.0 && left > 0 {
            format!(
                ", ETA {}",
                human(Duration::from_secs_f64(left as f64 / rate * 60.0))
            )
        } else {
            String::new()
        };
        eprintln!(
            "progress: {}/{} calls ({}%), {rate:.0} calls/min{eta}",
            self.done,
            self.total,
            self.done * 100 / self.total.max(1)
        );
    }
}

/// `1h02m`, `3m05s`, `12s`.
pub(crate) fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{:.1}s", d.as_secs_f64()),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::human;
    use std::time::Duration;

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human(Duration::from_secs(185)), "3m05s");
        assert_eq!(human(Duration::from_secs(3720)), "1h02m");
    }
}
