//! The time budget of one read: a deadline shared by the caller's side and the sheet
//! worker, and a reader wrapper that fails every read once the deadline has passed, so
//! a parser busy inside a hostile part (calamine skipping a gigabyte of empty rows, say)
//! stops within one buffer refill instead of running on for a minute.

use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::IntakeError;

/// A deadline that can be moved (from the opening budget to the whole-read budget) and
/// that remembers whether it was hit, so an error that surfaced through a parser as
/// "I/O failed" is reported as what it was. Clones share the same state.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    inner: Arc<State>,
}

#[derive(Debug)]
struct State {
    start: Instant,
    /// Milliseconds after `start`.
    deadline_ms: AtomicU64,
    tripped: AtomicBool,
}

impl Budget {
    /// A budget that runs out `allowed` from now.
    pub(crate) fn new(allowed: Duration) -> Self {
        Budget {
            inner: Arc::new(State {
                start: Instant::now(),
                deadline_ms: AtomicU64::new(millis(allowed)),
                tripped: AtomicBool::new(false),
            }),
        }
    }

    /// Moves the deadline to `allowed` after the start of the read.
    pub(crate) fn set_total(&self, allowed: Duration) {
        self.inner
            .deadline_ms
            .store(millis(allowed), Ordering::Relaxed);
    }

    /// Time left before the deadline (zero once it has passed).
    pub(crate) fn remaining(&self) -> Duration {
        let deadline = Duration::from_millis(self.inner.deadline_ms.load(Ordering::Relaxed));
        deadline.saturating_sub(self.inner.start.elapsed())
    }

    /// `Err(TooSlow)` once the deadline has passed (and from then on).
    pub(crate) fn check(&self) -> Result<(), IntakeError> {
        if self.inner.tripped.load(Ordering::Relaxed) || self.remaining().is_zero() {
            self.inner.tripped.store(true, Ordering::Relaxed);
            return Err(self.too_slow());
        }
        Ok(())
    }

    /// Whether the deadline was hit; every error after that is really this one.
    pub(crate) fn tripped(&self) -> bool {
        self.inner.tripped.load(Ordering::Relaxed)
    }

    /// `e`, or `TooSlow` if the deadline was hit (a parser reports our refused read as
    /// a broken file).
    pub(crate) fn explain(&self, e: IntakeError) -> IntakeError {
        if self.tripped() {
            self.too_slow()
        } else {
            e
        }
    }

    fn too_slow(&self) -> IntakeError {
        IntakeError::TooSlow {
            limit_ms: self.inner.deadline_ms.load(Ordering::Relaxed),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A reader that fails once the budget has run out. Parsers read through buffers of a
/// few KiB at a time, so the check (one clock read) costs nothing measurable.
#[derive(Debug)]
pub(crate) struct Guarded<R> {
    inner: R,
    budget: Budget,
}

impl<R> Guarded<R> {
    pub(crate) fn new(inner: R, budget: Budget) -> Self {
        Guarded { inner, budget }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.budget
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::TimedOut, e.to_string()))?;
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for Guarded<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guarded_reader_fails_once_the_budget_is_spent_and_the_error_says_why() {
        let budget = Budget::new(Duration::from_secs(60));
        let mut r = Guarded::new(&b"abc"[..], budget.clone());
        let mut buf = [0u8; 2];
        assert_eq!(r.read(&mut buf).unwrap_or(0), 2);
        budget.set_total(Duration::ZERO);
        assert!(r.read(&mut buf).is_err());
        assert!(budget.tripped());
        let explained = budget.explain(IntakeError::corrupt("zip: read failed"));
        assert_eq!(explained.code(), crate::Code::FileTooSlow);
    }

    #[test]
    fn an_error_before_the_deadline_stays_what_it_was() {
        let budget = Budget::new(Duration::from_secs(60));
        assert!(budget.check().is_ok());
        let e = budget.explain(IntakeError::corrupt("broken"));
        assert_eq!(e.code(), crate::Code::FileUnreadable);
    }
}
