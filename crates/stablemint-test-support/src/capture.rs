//! Capturing trace output, to check what reaches logs.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

/// Everything traced while the guard from [`Capture::start`] lives, from every crate and
/// at every level, with span closes, without colours.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Starts capturing on this thread. Use a current-thread runtime, so that spawned
    /// tasks log on this thread too.
    pub fn start() -> (Capture, DefaultGuard) {
        // A global subscriber too, one that records nothing: when the only subscriber
        // is this thread's, a call site that another test's thread meets first caches
        // "nobody listens" from that thread's no-op default, and stays silent here.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        let capture = Capture::default();
        let writer = capture.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE);
        let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
        (capture, guard)
    }

    /// What was captured so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
