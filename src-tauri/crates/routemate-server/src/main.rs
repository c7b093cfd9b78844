//! The `routemate` binary: parse the command line, set up logging, run, report errors in one line.
//!
//! Logs go to stderr only (no files: the service manager keeps and rotates them). Each line is
//! cut at [`MAX_LINE_BYTES`] as a last guard against a caller-controlled field making one line
//! huge; the log sites themselves bound caller text and budget the lines strangers can trigger.

use clap::Parser;
use routemate_server::cli::{self, Cli};
use std::io::Write;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Longest log line written, in bytes.
const MAX_LINE_BYTES: usize = 4096;

/// Stderr, one event at a time, each cut at [`MAX_LINE_BYTES`].
struct BoundedStderr;

/// The writer of one event: counts what it has let through.
struct BoundedLine {
    written: usize,
    cut: bool,
}

impl<'a> MakeWriter<'a> for BoundedStderr {
    type Writer = BoundedLine;

    fn make_writer(&'a self) -> Self::Writer {
        BoundedLine {
            written: 0,
            cut: false,
        }
    }
}

impl Write for BoundedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = MAX_LINE_BYTES.saturating_sub(self.written);
        if buf.len() <= room {
            std::io::stderr().write_all(buf)?;
            self.written += buf.len();
        } else if !self.cut {
            let mut head = buf[..room].to_vec();
            head.extend_from_slice(b" ...(line cut)\n");
            std::io::stderr().write_all(&head)?;
            self.written = MAX_LINE_BYTES;
            self.cut = true;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

fn main() {
    routemate_geocode::install_crypto_provider();
    let cli = Cli::parse();
    let default_level = match cli.command {
        cli::Command::Serve(_) | cli::Command::Watch(_) => "info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(BoundedStderr);
    match cli.log_format {
        cli::LogFormat::Text => logs.init(),
        // One object a line with the event's fields at the top level (`message`, `status`, …).
        cli::LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    if let Err(e) = cli::run(cli) {
        let message = format!("{e:#}").replace('\n', " ");
        eprintln!("routemate: error: {message}");
        // 75 (EX_TEMPFAIL): the disk is full or failing, or the database cannot be reached; a
        // supervisor should restart later.
        let storage = e.chain().any(|c| {
            c.downcast_ref::<routemate_engine::EngineError>()
                .is_some_and(|e| e.is_storage_failure() || e.code() == "store_unavailable")
        });
        std::process::exit(if storage { 75 } else { 1 });
    }
}
