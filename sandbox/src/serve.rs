//! The sandbox as a command: its flags and its run loop, shared by the `p100-sandbox` binary
//! and `p100 sandbox` (the CLI crate), so the two cannot drift.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// The flags of the sandbox server.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// API key clients must send in `x-api-key` (or set P100_SANDBOX_API_KEY).
    #[arg(long, env = "P100_SANDBOX_API_KEY", hide_env_values = true)]
    pub api_key: String,
    /// Multiplier of every delay (settle, 40 s lock lifetime, webhook retries); 0.01 = 100x faster.
    /// (A negative value reaches the sandbox's own check, which says what is allowed.)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub time_scale: f64,
    /// Milliseconds before asynchronous operations reach their final status (before scaling).
    #[arg(long, default_value_t = 2000)]
    pub settle_ms: u64,
    /// Deliver webhooks to this URL.
    #[arg(long, requires = "webhook_token")]
    pub webhook_url: Option<String>,
    /// Token sent in the `Authorization` header of webhook deliveries (or P100_SANDBOX_WEBHOOK_TOKEN).
    #[arg(
        long,
        env = "P100_SANDBOX_WEBHOOK_TOKEN",
        hide_env_values = true,
        requires = "webhook_url"
    )]
    pub webhook_token: Option<String>,
    /// Log one line per request and webhook attempt to stderr (never keys or tokens).
    #[arg(long)]
    pub log: bool,
}

/// Starts the sandbox, prints `p100-sandbox listening on <url>` and serves until Ctrl-C.
pub async fn serve(args: ServeArgs) -> ExitCode {
    let mut b = crate::Sandbox::builder()
        .api_key(args.api_key)
        .port(args.port)
        .settle(Duration::from_millis(args.settle_ms))
        .time_scale(args.time_scale)
        .log_requests(args.log);
    if let (Some(url), Some(token)) = (args.webhook_url, args.webhook_token) {
        b = b.webhook(url, token);
    }
    let sandbox = match b.start().await {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "p100-sandbox: {e}");
            // A bad flag (`--api-key ""`) is a usage error, 2, as clap's own; a port that
            // cannot be bound is 1.
            return match e {
                crate::StartError::Config(_) => ExitCode::from(2),
                crate::StartError::Io(_) => ExitCode::FAILURE,
            };
        }
    };
    // A closed stdout (`p100 sandbox | head -0`) does not stop the server (no panic).
    let _ = writeln!(
        std::io::stdout(),
        "p100-sandbox listening on {}",
        sandbox.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
