//! `p100`: the P100 command line.
//!
//! * `p100 sandbox …` — the local, stateful sandbox server;
//! * `p100 call <group> <operation> [--<field> value …] [--json FILE|-] [--wait]` — any operation
//!   of the catalog (from the core's operation table), printing the typed result as JSON;
//! * `p100 listen --forward-to URL` — forwards the sandbox's webhook deliveries to a local URL;
//! * `p100 trigger <event>` — makes the sandbox emit any webhook event;
//! * `p100 webhooks verify --token T` — checks a delivery read on stdin;
//! * `p100 reconcile` — looks for a call that may have happened (its fingerprint, on stdin) in
//!   the transaction history;
//! * `p100 completions bash|zsh|fish`.
//!
//! Errors print one line (kind, code, field, outcome, message) on stderr and exit with 1 (2 for
//! a usage error: a flag, field or value refused before anything was sent; 4 when a call that
//! changes something may have happened: outcome `unknown` or `accepted`; 128 + n when a signal
//! stopped it, which may also leave such a call: stderr then gives its outcome and fingerprint).

/// `eprintln!` that never panics: a message that cannot be written on stderr (a full disk, a
/// closed pipe) is left out. The exit code never depends on it: a money call that may have
/// happened still exits 4, not 101 (review, stop 43).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprint!` that never panics (see [`say!`]).
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod fields;
mod listen;
mod ops;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches, Subcommand};
use p100::client::{Settings, Unit, WaitSettings};
use serde_json::{Map, Value};

const USER_AGENT: &str = concat!("p100-cli/", env!("CARGO_PKG_VERSION"));

/// The P100 command line: the sandbox, any API call, webhook forwarding and verification.
#[derive(clap::Parser, Debug)]
#[command(name = "p100", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Runs the sandbox: a local, stateful P100 Partner API on 127.0.0.1.
    Sandbox(p100_sandbox::serve::ServeArgs),
    /// Forwards the sandbox's webhook deliveries to a local URL, one line per event.
    Listen(listen::ListenArgs),
    /// Makes the sandbox emit a webhook event (any event of the catalog, with realistic data).
    Trigger(listen::TriggerArgs),
    /// Webhook tools.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// Looks for a call that may have happened in the transaction history: reads the
    /// fingerprint an error printed (JSON, on stdin or `--fingerprint`) and prints
    /// `{"result": "found", "id", "status"}`, `{"result": "not_found"}` or
    /// `{"result": "cannot_tell", "reason"}`.
    Reconcile {
        /// The fingerprint as JSON (read from stdin when not given).
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// Prints a shell completion script (`p100 completions bash > /etc/bash_completion.d/p100`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
enum WebhooksCmd {
    /// Reads a delivery on stdin (optional request line, headers, a blank line, the body),
    /// checks its `Authorization` against the token and prints the typed event as JSON.
    Verify {
        /// The webhook security token.
        #[arg(long, env = "P100_WEBHOOK_TOKEN", hide_env_values = true)]
        token: String,
        /// Print the event's secrets (a 3-D Secure code) in clear (masked otherwise).
        #[arg(long)]
        reveal: bool,
    },
}

/// Connection options shared by `call` (the same environment variables as every SDK).
fn connection_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("api-key")
            .long("api-key")
            .env("P100_API_KEY")
            .hide_env_values(true)
            .global(true)
            .help("API key (sent as x-api-key)"),
    )
    .arg(
        Arg::new("base-url")
            .long("base-url")
            .env("P100_BASE_URL")
            .global(true)
            .help("Base URL, e.g. a local sandbox http://127.0.0.1:8080 (overrides --environment)"),
    )
    .arg(
        Arg::new("environment")
            .long("environment")
            .env("P100_ENVIRONMENT")
            .global(true)
            .help("staging (default) or production"),
    )
    .arg(
        Arg::new("max-response-bytes")
            .long("max-response-bytes")
            .global(true)
            .help(
                "Longest reply read, in bytes (default 16 MiB, at most 1 GiB): a busy month of \
                 history needs more for reconcile",
            ),
    )
}

/// `p100 call`: one subcommand per group and operation, from the core's table.
fn call_command() -> Command {
    let mut call = Command::new("call")
        .about("Calls any operation of the P100 API and prints its typed result as JSON")
        .long_about(
            "Calls any operation of the P100 API and prints its typed result as JSON.\n\n\
             Fields are given as --<field> value (the wire's names, in camelCase or kebab-case: \
             --external-user-id u1), or as a JSON object with --json FILE (- for stdin); flags \
             override the file. Amounts are decimal text (--amount 10.50). Path ids are fields \
             too. Values that are JSON objects or arrays ({…}, […]), true, false and null are read \
             as JSON (null leaves an optional field out).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true);
    call = connection_args(call);
    for group in ops::groups() {
        let mut g = Command::new(group);
        if group.contains('_') {
            g = g.alias(group.replace('_', "-"));
        }
        let mut g = g
            .about(format!("Operations of the {group} group"))
            .subcommand_required(true)
            .arg_required_else_help(true);
        for op in ops::OPS.iter().filter(|o| o.group == group) {
            let doc = op
                .route
                .doc
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                // The table's docs are the SDKs'; here the same step is a flag.
                .replace("`wait_for`", "`--wait`");
            let mut long = format!(
                "{doc}\n\n{} {}{}",
                op.route.method.as_str(),
                op.route.path,
                if op.route.moves_money {
                    " — moves money: never retried after an ambiguous failure"
                } else {
                    ""
                }
            );
            if !op.ids.is_empty() {
                long.push_str(&format!("\nPath ids: {}", op.ids.join(", ")));
            }
            if let Some(out) = op.route.output {
                long.push_str(&format!("\nResult: {out}"));
            }
            if let Some(fields) = fields::help(op.route.method.as_str(), op.route.path) {
                long.push_str(&format!("\n\n{fields}"));
            }
            if op.upload {
                long.push_str("\n\nFiles: --file PATH (repeat for several)");
            }
            let mut c = Command::new(op.name);
            if op.name.contains('_') {
                c = c.alias(op.name.replace('_', "-"));
            }
            let mut c = c
                .about(doc)
                .long_about(long)
                .arg(
                    Arg::new("json")
                        .long("json")
                        .value_name("FILE|-")
                        .help("The input as a JSON object (- reads stdin)"),
                )
                .arg(
                    Arg::new("fields")
                        .value_name("--FIELD VALUE")
                        .num_args(0..)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true)
                        .help("Input fields, each as --name VALUE (--help lists this operation's fields)"),
                );
            c = c.arg(
                Arg::new("reveal")
                    .long("reveal")
                    .action(ArgAction::SetTrue)
                    .help("Print card data and other secrets in clear (masked otherwise)"),
            );
            if op.upload {
                c = c.arg(
                    Arg::new("file")
                        .long("file")
                        .action(ArgAction::Append)
                        .value_name("PATH")
                        .help("A file to upload (repeat for several)"),
                );
            }
            if op.route.wait_for.is_some() {
                c = c.arg(
                    Arg::new("wait")
                        .long("wait")
                        .action(ArgAction::SetTrue)
                        .help("Follow the operation to its final status"),
                );
                c = c.arg(
                    Arg::new("wait-timeout")
                        .long("wait-timeout")
                        .value_name("SECONDS")
                        .value_parser(clap::value_parser!(f64))
                        .help("Give up waiting after this long (default 300)"),
                );
            }
            g = g.subcommand(c);
        }
        call = call.subcommand(g);
    }
    call
}

fn command() -> Command {
    Cli::command()
        .subcommand(call_command())
        .mut_subcommand("reconcile", connection_args)
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say!("p100: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match matches.subcommand() {
        Some(("call", m)) => rt.block_on(call(m)),
        Some(("reconcile", m)) => rt.block_on(reconcile(m)),
        _ => match Cli::from_arg_matches(&matches) {
            Ok(cli) => rt.block_on(run(cli)),
            Err(e) => e.exit(),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report(&e);
            ExitCode::from(exit_code(&e))
        }
    }
}

/// clap's refusal of the command line, without the value it refused when that is a bare word
/// (`p100 webhooks verify whsec_…`, `p100 call sk_live_…`: a token or key put in the wrong
/// place would be printed back, into the terminal's scrollback and CI logs). A flag it does
/// not know (`--ammount`) is shown, with its suggestion. A value refused for a flag (`--count
/// sk_live_…`, `--reveal=whsec_…`, `completions whsec_…`) is never shown: the flag is named.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    // A value refused for a flag or a positional (`p100 completions whsec_…`, `--count sk_…`,
    // `--reveal=whsec_…`): the flag is named, the value is not shown.
    // (A flag given without its value, `--forward-to` at the end, keeps clap's "a value is
    // required": there is nothing to hide.)
    let empty =
        matches!(e.get(ContextKind::InvalidValue), Some(ContextValue::String(v)) if v.is_empty());
    if !empty
        && matches!(
            e.kind(),
            ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::TooManyValues
        )
    {
        let flag = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(flag)) => format!("'{flag}'"),
            _ => "an argument".to_string(),
        };
        let value = match e.get(ContextKind::InvalidValue) {
            Some(ContextValue::String(v)) => v.as_str(),
            _ => "",
        };
        // `--reveal=whsec_…`: a flag that takes no value, given one.
        let what = if e.kind() == ErrorKind::TooManyValues {
            format!("unexpected value for {flag}")
        } else {
            format!("invalid value for {flag}")
        };
        // Why, when the parser's reason does not repeat the value (`invalid digit found in
        // string`), and the values it takes (`bash, elvish, …`).
        let why = std::error::Error::source(&e)
            .map(ToString::to_string)
            .filter(|why| !value.is_empty() && !why.contains(value) && !why.is_empty())
            .map(|why| format!(": {why}"))
            .unwrap_or_default();
        let valid = match e.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(v)) if !v.is_empty() => {
                format!(" [possible values: {}]", v.join(", "))
            }
            _ => String::new(),
        };
        say!(
            "error: {what}{why}{valid} (the value is not shown: a value in the wrong place may \
             be a key or a token); see 'p100 --help'"
        );
        return ExitCode::from(USAGE);
    }
    let refused = match e.kind() {
        ErrorKind::UnknownArgument => e.get(ContextKind::InvalidArg),
        ErrorKind::InvalidSubcommand => e.get(ContextKind::InvalidSubcommand),
        _ => None,
    };
    match refused {
        Some(ContextValue::String(word)) if !word.starts_with('-') => {
            // clap's suggestion is a name of the command line, never the refused word.
            // Names with `_` have a `-` alias: each name once, as the README writes it.
            let mut names: Vec<String> = match e.get(ContextKind::SuggestedSubcommand) {
                Some(ContextValue::String(s)) => vec![s.replace('_', "-")],
                Some(ContextValue::Strings(s)) => s.iter().map(|s| s.replace('_', "-")).collect(),
                _ => Vec::new(),
            };
            names.dedup();
            let hint = match names.as_slice() {
                [] => String::new(),
                names => format!(" (did you mean '{}'?)", names.join("' or '")),
            };
            say!(
                "error: an unexpected argument was given (not shown: a value in the wrong \
                 place may be a key or a token){hint}; see 'p100 --help'"
            );
            ExitCode::from(USAGE)
        }
        _ => e.exit(),
    }
}

/// The exit code of a command that ended in `e`: 2 for a usage error (a flag, field, value or
/// setting refused before anything was sent: fix the command), 4 when a call that changes
/// something may have happened (outcome `unknown` or `accepted`: do not send it again before
/// checking), else 1 (the call, the network or the API failed, and nothing happened; a read
/// with no usable reply changed nothing either: send it again).
fn exit_code(e: &p100::Error) -> u8 {
    let usage = matches!(
        e.kind(),
        p100::ErrorKind::Validation | p100::ErrorKind::Config
    ) && e.status().is_none()
        && e.outcome() == p100::Outcome::NotSent;
    let read = e
        .operation()
        .and_then(p100::routes::by_name)
        .is_some_and(|r| r.method.is_idempotent_read());
    if usage {
        USAGE
    } else if !read
        && matches!(
            e.outcome(),
            p100::Outcome::Unknown | p100::Outcome::Accepted
        )
    {
        MAY_HAVE_HAPPENED
    } else {
        1
    }
}

/// The exit code of a usage error, as clap's own.
const USAGE: u8 = 2;

/// The exit code of a call that may have happened, or happened but whose result could not be
/// delivered: never send it again without checking (`p100 reconcile`).
const MAY_HAVE_HAPPENED: u8 = 4;

/// The error line, then, for a call that may have happened (outcome unknown or accepted), its
/// fingerprint: what to look for in the transaction history before sending it again.
fn report(e: &p100::Error) {
    say!("{}", error_line(e));
    // The operation happened but its reply could not be read: the reply as received (secrets
    // masked) is where its id is.
    // (An accepted error without a raw body is a `--wait` that stopped: its result was printed.)
    match (e.outcome(), e.raw_body()) {
        (p100::Outcome::Accepted, Some(raw)) if !raw.is_empty() => {
            say!("p100: the reply as received (secrets masked): {raw}");
        }
        (p100::Outcome::Accepted, Some(_)) => {
            say!("p100: the reply was not kept (empty or too large): find the operation with `p100 reconcile`");
        }
        _ => {}
    }
    if let Some(fp) = e.fingerprint() {
        let text = serde_json::to_string(fp).unwrap_or_default();
        say!("p100: do not send it again before checking the history; fingerprint: {text}");
    }
}

/// The exit code of `--wait` whose operation ended in a final state that is not a success
/// (`FAILED`, `EXPIRED`): the call itself worked, what it started did not.
const FINAL_NOT_SUCCESS: u8 = 3;

/// The exit code of a command stopped by a signal: 128 + its number, as shells report it
/// (130 for Ctrl-C).
fn interrupted_code(signal: i32) -> ExitCode {
    ExitCode::from(u8::try_from(128 + signal).unwrap_or(130))
}

/// The first of Ctrl-C (SIGINT), SIGTERM (`kill`, `timeout`, a CI job cancelled) or SIGHUP (the
/// terminal closed): its name and number. A signal the platform cannot listen to never comes.
async fn interrupted() -> (&'static str, i32) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let listen = |kind: SignalKind| signal(kind).ok();
        let (mut term, mut hup) = (
            listen(SignalKind::terminate()),
            listen(SignalKind::hangup()),
        );
        async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => ("Ctrl-C", 2),
            () = next(&mut term) => ("SIGTERM", 15),
            () = next(&mut hup) => ("SIGHUP", 1),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        ("Ctrl-C", 2)
    }
}

/// One line: `p100: error: api P412 (field amount, outcome rejected, HTTP 400, request r-1): …`.
pub fn error_line(e: &p100::Error) -> String {
    let mut facts = Vec::new();
    if let Some(code) = e.code() {
        facts.push(code.as_str().to_string());
    }
    if let Some(f) = e
        .field()
        .filter(|f| !e.message().starts_with(&format!("{f}:")))
    {
        facts.push(format!("field {f}"));
    }
    facts.push(format!("outcome {}", e.outcome().as_str()));
    if let Some(s) = e.status() {
        facts.push(format!("HTTP {s}"));
    }
    if let Some(r) = e.request_id() {
        facts.push(format!("request {r}"));
    }
    format!(
        "p100: error: {} ({}): {}",
        e.kind().as_str(),
        facts.join(", "),
        e.message()
    )
}

async fn run(cli: Cli) -> p100::Result<ExitCode> {
    match cli.cmd {
        Cmd::Sandbox(a) => Ok(p100_sandbox::serve::serve(a).await),
        Cmd::Listen(a) => listen::listen(a).await,
        Cmd::Trigger(a) => listen::trigger(a).await,
        Cmd::Webhooks(WebhooksCmd::Verify { token, reveal }) => verify(&token, reveal),
        // Handled in `main`, with the connection options.
        Cmd::Reconcile { .. } => Ok(ExitCode::from(USAGE)),
        Cmd::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "p100", &mut script);
            out_bytes(&script);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--external-user-id` / `--externalUserId` → `externalUserId`.
fn wire_name(flag: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in flag.chars() {
        if ch == '-' || ch == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// A field's value: JSON for objects, arrays, booleans and `null`; text otherwise (amounts and
/// ids stay exact). Numbers are given as text; the decoder reads them as numbers where the
/// request type has a number (`p100::input::decode_text`).
fn field_value(v: &str) -> Value {
    let t = v.trim();
    if t.starts_with('{') || t.starts_with('[') || matches!(t, "true" | "false" | "null") {
        if let Ok(json) = serde_json::from_str(t) {
            return json;
        }
    }
    Value::String(v.to_string())
}

/// The call's own options given after the fields (`… --amount 5 --wait`).
#[derive(Default)]
struct CallOptions {
    json: Option<String>,
    files: Vec<String>,
    wait: bool,
    wait_timeout: Option<f64>,
    reveal: bool,
}

/// Splits the trailing arguments into the call's options and the input fields.
fn parse_fields(
    raw: &[String],
    input: &mut Map<String, Value>,
    opts: &mut CallOptions,
) -> p100::Result<()> {
    let mut it = raw.iter();
    let mut last: Option<String> = None;
    while let Some(flag) = it.next() {
        if flag == "--wait" || flag == "--reveal" {
            opts.wait |= flag == "--wait";
            opts.reveal |= flag == "--reveal";
            continue;
        }
        let mut own = |name: &str| -> p100::Result<Option<String>> {
            if flag == name {
                let field = name.trim_start_matches('-');
                return match it.next() {
                    Some(v) => value_not_flag(field, v).map(|()| Some(v.clone())),
                    None => Err(p100::Error::validation(field, "needs a value")),
                };
            }
            Ok(flag.strip_prefix(&format!("{name}=")).map(str::to_string))
        };
        // An option given twice is refused, as a field is: which one is meant cannot be known.
        if let Some(v) = own("--json")? {
            if opts.json.replace(v).is_some() {
                return Err(given_twice("json"));
            }
            continue;
        }
        if let Some(v) = own("--file")? {
            opts.files.push(v);
            continue;
        }
        if let Some(v) = own("--wait-timeout")? {
            if opts.wait_timeout.is_some() {
                return Err(given_twice("wait-timeout"));
            }
            opts.wait_timeout = Some(v.parse().map_err(|_| {
                p100::Error::validation("wait-timeout", "must be a number of seconds")
            })?);
            continue;
        }
        let Some(name) = flag.strip_prefix("--").filter(|n| !n.is_empty()) else {
            // Not echoed: a stray word is often the rest of an unquoted value (a document
            // number written with a space).
            let after = match &last {
                Some(f) => format!(" (after the value of --{f}: quote a value with spaces)"),
                None => String::new(),
            };
            return Err(p100::Error::validation(
                "fields",
                format!("a value without its --<field>{after}"),
            ));
        };
        let option = name.split_once('=').map_or(name, |(n, _)| n);
        // `---amount`, `--amount_`, `--amount--x`: a typo, not another way to write `amount`.
        let edge = |c: char| c == '-' || c == '_';
        if option.starts_with(edge) || option.ends_with(edge) || option.contains("--") {
            return Err(p100::Error::validation(
                "fields",
                format!("--{option} is no field name (words joined by single dashes: --external-user-id)"),
            ));
        }
        if option == "files" {
            return Err(p100::Error::validation(
                "files",
                "give each file with --file PATH (up to 3)",
            ));
        }
        // clap takes everything after the operation's first field for fields.
        if matches!(
            option,
            "api-key" | "base-url" | "environment" | "max-response-bytes"
        ) {
            return Err(p100::Error::validation(
                option,
                "is an option of the command, not a field: give it before the fields \
                 (`p100 call --base-url URL sepa partner-transfer --amount …`)",
            ));
        }
        if matches!(option, "help" | "h") {
            return Err(p100::Error::validation(
                option,
                "comes before the fields: `p100 call <group> <operation> --help` lists them",
            ));
        }
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = it.next().ok_or_else(|| {
                    p100::Error::validation(name, "needs a value (--field value)")
                })?;
                value_not_flag(name, v)?;
                (name.to_string(), v.clone())
            }
        };
        // A field given twice (`--amount 1 --amount 1000`, or `--external-user-id` and
        // `--externalUserId`): which value is meant cannot be known.
        let wire = wire_name(&name);
        last = Some(name.clone());
        if input.insert(wire.clone(), field_value(&value)).is_some() {
            return Err(given_twice(&wire));
        }
    }
    Ok(())
}

/// A field or an option of `call` given twice (`--amount 1 --amount 1000`, `--json a.json
/// --json b.json`): refused, as which value is meant cannot be known.
fn given_twice(field: &str) -> p100::Error {
    p100::Error::validation(
        field,
        "is given twice: which value is meant cannot be known",
    )
}

/// A value that is a flag (`--transfer-title $EMPTY --wait`: the shell dropped the empty value)
/// is refused: taken as the value, it would send a money call with the wrong field and without
/// the option. A value that really starts with `--` is written `--field=--value`.
fn value_not_flag(field: &str, value: &str) -> p100::Result<()> {
    if value.starts_with("--") {
        return Err(p100::Error::validation(
            field,
            format!(
                "needs a value, and the next argument is a flag (write --{field}=VALUE for a \
                 value that starts with --)"
            ),
        ));
    }
    Ok(())
}

/// The most the CLI reads of a JSON input, a fingerprint or a webhook delivery (as the client
/// reads of a reply): `--json /dev/zero` is refused, not read until memory runs out.
const MAX_TEXT_INPUT: u64 = 16 * 1024 * 1024;

/// Reads at most `limit` bytes of `r`; more, or an error, is a validation error naming `field`
/// (`what` says what was read).
fn read_capped(r: impl Read, limit: u64, field: &str, what: &str) -> p100::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| p100::Error::validation(field, format!("{what} could not be read: {e}")))?;
    if buf.len() as u64 > limit {
        let message = format!("{what} is larger than {limit} bytes");
        return Err(p100::Error::validation(field, message));
    }
    Ok(buf)
}

/// [`read_capped`] of text: stdin for `-`, else the file `source`, at most [`MAX_TEXT_INPUT`].
fn read_text(source: &str, field: &str) -> p100::Result<String> {
    let what = if source == "-" { "stdin" } else { source };
    let bytes = if source == "-" {
        read_capped(std::io::stdin().lock(), MAX_TEXT_INPUT, field, what)?
    } else {
        let file = std::fs::File::open(source)
            .map_err(|e| p100::Error::validation(field, format!("{source}: {e}")))?;
        read_capped(file, MAX_TEXT_INPUT, field, what)?
    };
    String::from_utf8(bytes)
        .map_err(|_| p100::Error::validation(field, format!("{what} is not UTF-8 text")))
}

fn read_json(source: &str) -> p100::Result<Map<String, Value>> {
    let text = read_text(source, "json")?;
    // A file saved with a UTF-8 byte-order mark (Notepad, PowerShell's `Out-File`) is JSON
    // too, as the core reads API replies and webhook bodies.
    let text = text.trim_start_matches('\u{feff}');
    // JSON text's numbers are exact: the core's decoder for text input reads `"amount": 0.005`
    // from its text where the request has an amount, and refuses a number anywhere else.
    match p100::input::json_text(text, "json")? {
        Value::Object(m) => Ok(m),
        _ => Err(p100::Error::validation("json", "must be a JSON object")),
    }
}

fn client(m: &ArgMatches) -> p100::Result<p100::Client> {
    let get = |k: &str| m.get_one::<String>(k).cloned();
    let from_flag = |k: &str| m.value_source(k) == Some(clap::parser::ValueSource::CommandLine);
    // A flag beats the environment, as in every SDK: `--environment staging` is not overridden
    // by a `P100_BASE_URL` exported for another purpose (an app's production settings), which
    // would send the call elsewhere than the command says.
    let base_url = if from_flag("environment") && !from_flag("base-url") {
        None
    } else {
        get("base-url")
    };
    const LIMIT: &str = "max-response-bytes";
    let max_response_bytes = get(LIMIT)
        .map(|n| {
            n.trim().parse::<i64>().map_err(|_| {
                p100::Error::validation(LIMIT, "must be a whole number of bytes").into_config()
            })
        })
        .transpose()?;
    let settings = Settings {
        api_key: get("api-key").map(Into::into),
        base_url,
        environment: get("environment"),
        user_agent: Some(USER_AGENT.into()),
        max_response_bytes,
        ..Settings::default()
    };
    // `p100-cli/<version> p100-sdk/<version> (rust <version>; <os> <arch>)`.
    // `P100_LOG=info|debug`: every record of that level on stderr; without it, the retries.
    // Read once: the level, or what to say of a value that names none (`verbose`: it was
    // ignored in silence; outside review, stop 49). The value itself is not repeated.
    let value = std::env::var("P100_LOG").ok();
    let asked = value.as_deref().and_then(p100::log::LogLevel::parse);
    if let Some(warning) = p100::log::LogLevel::env_warning(value.as_deref()) {
        say!("p100: warning: {warning}");
    }
    let level = asked.map_or(p100::log::LogLevel::Warn, |l| {
        l.max(p100::log::LogLevel::Warn)
    });
    settings
        .builder(Unit::Seconds, "", |_| None)
        .map_err(|e| match e.field() {
            // The flag's spelling, as every other refusal of a flag.
            Some(snake @ "max_response_bytes") => {
                let prefix = format!("{snake}: ");
                let why = e.message().strip_prefix(&prefix).unwrap_or(e.message());
                p100::Error::validation(LIMIT, why.to_string()).into_config()
            }
            _ => e,
        })?
        .log_level(Some(level))
        .logger(std::sync::Arc::new(Records {
            all: asked.is_some(),
        }))
        .build()
}

/// Says each retry on stderr as it happens: a 429 with `Retry-After: 30` is otherwise half a
/// minute of silence (`p100: … attempt=1 outcome=retrying status=429 … retry_in_ms=30000`).
/// The final failure is the error line of [`report`]. With `P100_LOG` (`all`), every record.
struct Records {
    all: bool,
}

impl p100::log::Logger for Records {
    fn log(&self, record: &p100::log::LogRecord) {
        if self.all || record.outcome == p100::log::AttemptOutcome::Retrying {
            say!("{}", record.message());
        }
    }
}

async fn call(m: &ArgMatches) -> p100::Result<ExitCode> {
    let Some((group, gm)) = m.subcommand() else {
        return Ok(ExitCode::from(2));
    };
    let Some((name, om)) = gm.subcommand() else {
        return Ok(ExitCode::from(2));
    };
    let op = ops::find(group, name).ok_or_else(|| {
        p100::Error::validation("operation", "is not an operation of the catalog")
    })?;
    let raw: Vec<String> = om
        .get_many::<String>("fields")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let mut opts = CallOptions {
        json: om.get_one::<String>("json").cloned(),
        files: om
            .try_get_many::<String>("file")
            .ok()
            .flatten()
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
        wait: om
            .try_get_one::<bool>("wait")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false),
        wait_timeout: om
            .try_get_one::<f64>("wait-timeout")
            .ok()
            .flatten()
            .copied(),
        reveal: om.get_flag("reveal"),
    };
    let mut fields = Map::new();
    parse_fields(&raw, &mut fields, &mut opts)?;
    // The file first, the flags over it.
    let mut input = match &opts.json {
        Some(src) => read_json(src)?,
        None => Map::new(),
    };
    input.extend(fields);
    if opts.wait && op.route.wait_for.is_none() {
        return Err(p100::Error::validation(
            "wait",
            "this operation has no final status to wait for",
        ));
    }
    // Checked before anything is sent: a call must never go out to fail on its own option.
    let wait_options = match (opts.wait, opts.wait_timeout) {
        (true, timeout) => Some(
            WaitSettings {
                timeout,
                ..WaitSettings::default()
            }
            .options(Unit::Seconds)
            .map_err(|e| {
                let why = e.message().strip_prefix("timeout: ").unwrap_or(e.message());
                p100::Error::validation("wait-timeout", why.to_string())
            })?,
        ),
        (false, Some(_)) => {
            return Err(p100::Error::validation("wait-timeout", "needs --wait"));
        }
        (false, None) => None,
    };
    // Operations whose input is path ids or nothing take no other field: a typo there would be
    // dropped silently (`users delete --dry-run true` deletes).
    if matches!(
        op.route.input,
        p100::routes::Input::None | p100::routes::Input::Ids
    ) {
        if let Some(extra) = input.keys().find(|k| !op.ids.contains(&k.as_str())) {
            return Err(p100::Error::validation(
                extra.as_str(),
                "is not a field of this operation",
            ));
        }
    }
    if !opts.files.is_empty() && !op.upload {
        return Err(p100::Error::validation(
            "file",
            "this operation takes no files",
        ));
    }
    let mut files = Vec::new();
    for (i, path) in opts.files.iter().enumerate() {
        // Never more than the API takes: a 1.5 GB file is refused before it is read, and
        // `/dev/zero` after 5 MB.
        let limit = p100::validate::MAX_UPLOAD_BYTES as u64;
        let file = std::fs::File::open(path)
            .map_err(|e| p100::Error::validation("file", format!("{path}: {e}")))?;
        let field = format!("files[{i}]");
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > limit {
            let message =
                format!("{path} is larger than 5 MB ({limit} bytes); it has {size} bytes");
            return Err(p100::Error::validation(field, message));
        }
        let data = read_capped(file, limit, &field, path)?;
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        files.push(p100::models::FileUpload::new(name, data));
    }
    let c = client(m)?;
    // Fields are text; the decoder reads numbers where the request type has them. Ctrl-C
    // drops the call: one that changes something and whose request was out is then kept by
    // the client (`take_cancelled`), and reported with its outcome and fingerprint.
    let input = Value::Object(input);
    let call = ops::call(&c, op.route.name, &input, files);
    // One listener for the whole command: a signal between the call and `--wait` is not lost.
    let signal = interrupted();
    tokio::pin!(signal);
    let result = tokio::select! {
        result = call => result?,
        (name, number) = &mut signal => {
            match c.take_cancelled().into_iter().next() {
                Some(e) => report(&e),
                None if op.route.method.is_idempotent_read() => {
                    say!("p100: interrupted ({name})")
                }
                None => say!(
                    "p100: interrupted ({name}) before a request that could be processed left \
                     (outcome not_sent)"
                ),
            }
            return Ok(interrupted_code(number));
        }
    };
    // What the call did is delivered, or said on stderr: never lost with a wrong exit status.
    let changes = !op.route.method.is_idempotent_read();
    let mut out = Output::default();
    if result.is_null() {
        // An operation without a result (`users delete`, `cards block`): nothing on stdout, so
        // that `| jq` reads no `null`; done is said on stderr.
        say!("p100: {}: done", op.route.name);
    } else {
        out.result(&result, opts.reveal, changes);
    }
    if let Some(options) = wait_options {
        let id = ops::wait_id(op.group)
            .and_then(|k| result.get(k))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                p100::Error::new(
                    p100::ErrorKind::Decode,
                    "the reply holds no id to wait for (see the result above)",
                )
            })?
            .to_string();
        let (last, success) = tokio::select! {
            last = follow(&c, op.group, &id, options) => match last {
                Ok(last) => last,
                Err(e) => {
                    report(&e);
                    say!(
                        "p100: {} {id} was accepted (the result above): do not send it again; \
                         follow it by its id",
                        op.group
                    );
                    return Ok(ExitCode::from(MAY_HAVE_HAPPENED));
                }
            },
            (name, number) = &mut signal => {
                say!(
                    "p100: stopped waiting ({name}); {} {id} was accepted and is not final yet",
                    op.group
                );
                return Ok(interrupted_code(number));
            }
        };
        // Its final state unwritten, a call that changed something still happened: 4, not 1.
        out.result(&last, opts.reveal, changes);
        if !success {
            // Final, and not a success (FAILED, EXPIRED): a script must be able to tell.
            return Ok(ExitCode::from(FINAL_NOT_SUCCESS));
        }
    }
    Ok(out.exit_code())
}

/// A call's results on stdout. A reader that went away (`| head -1`) gets nothing more, and the
/// exit status stays the call's own (a `--wait` that ends `FAILED` is still 3). Any other failure
/// (a full disk) puts the result on stderr instead; for a call that changed something the exit
/// status is then 4: it happened, and its result did not reach stdout. For a read it is 1, as
/// for `reconcile` (it was 0: outside review, stop 49).
#[derive(Default)]
struct Output {
    reader_gone: bool,
    lost: bool,
    unwritten: bool,
}

impl Output {
    fn result(&mut self, v: &Value, reveal: bool, changes: bool) {
        if self.reader_gone {
            return;
        }
        let text = format!("{}\n", secret_json_text(v, reveal));
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.reader_gone = true,
            Err(e) => {
                say!(
                    "p100: error: the output could not be written on stdout ({e}); the result \
                     follows here{}",
                    if changes {
                        ": the call was made, do not send it again"
                    } else {
                        ""
                    }
                );
                say_raw!("{text}");
                self.lost |= changes;
                self.unwritten = true;
                self.reader_gone = true;
            }
        }
    }

    fn exit_code(&self) -> ExitCode {
        if self.lost {
            ExitCode::from(MAY_HAVE_HAPPENED)
        } else if self.unwritten {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// `p100 reconcile`: the fingerprint (from `--fingerprint` or stdin) looked for in the history.
async fn reconcile(m: &ArgMatches) -> p100::Result<ExitCode> {
    let text = match m.get_one::<String>("fingerprint") {
        Some(t) => t.clone(),
        None => read_text("-", "fingerprint")?,
    };
    // The line the CLI prints after an error is accepted as it is.
    let json = text
        .trim()
        .rsplit_once("fingerprint: ")
        .map_or(text.trim(), |(_, j)| j);
    let fp: p100::client::Fingerprint = serde_json::from_str(json).map_err(|e| {
        p100::Error::validation(
            "fingerprint",
            format!(
                "must be the fingerprint JSON an error printed ({:?} error at column {})",
                e.classify(),
                e.column()
            ),
        )
    })?;
    let answer = match client(m)?.reconcile_fingerprint(&fp).await {
        Ok(answer) => answer,
        // The error's line only: its outcome is the reconciled call's (`unknown`, or `accepted`
        // for an accepted call), its body the history's, which is not that call's reply. A
        // fingerprint refused before anything was sent (an unknown operation, a time in the
        // future) is a usage error, as one that is no JSON; a history that could not be read
        // is 1 (the diff review, stop 50: both were 4, "may have happened").
        Err(e) => {
            say!("{}", error_line(&e));
            let usage = e.kind() == p100::ErrorKind::Validation && e.status().is_none();
            return Ok(ExitCode::from(if usage { USAGE } else { 1 }));
        }
    };
    print_json(&serde_json::to_value(&answer).unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}

/// `wait_for` with a spinner and the elapsed time on a terminal, plain lines otherwise.
async fn follow(
    c: &p100::Client,
    group: &str,
    id: &str,
    options: p100::WaitOptions,
) -> p100::Result<(Value, bool)> {
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let spinner = if tty {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message(format!("waiting for {group} {id} to be final…"));
        s.enable_steady_tick(Duration::from_millis(100));
        Some(s)
    } else {
        say!("p100: waiting for {group} {id} to be final");
        None
    };
    let result = ops::wait(c, group, id, options).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = match &result {
        Ok((v, _)) => v
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        // The error that follows says why (still PENDING at the timeout, a poll refused…).
        Err(_) => "not final".to_string(),
    };
    match &spinner {
        Some(s) => s.finish_with_message(format!("{group} {id}: {status} after {elapsed:.1} s")),
        None => say!("p100: {group} {id}: {status} after {elapsed:.1} s"),
    }
    result
}

fn print_json(v: &Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    out_line(&text);
}

/// A result, its secrets (card number, CVV, PIN, document numbers, one-time codes…) masked as
/// in every error and log unless `--reveal` asked for them: the typed secret fields
/// ([`p100::mask::SECRET_FIELDS`]) by name, then whatever the text masking finds.
pub(crate) fn print_secret_json(v: &Value, reveal: bool) {
    out_line(&secret_json_text(v, reveal));
}

/// The text [`print_secret_json`] prints.
fn secret_json_text(v: &Value, reveal: bool) -> String {
    if reveal {
        return serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    }
    fn redact(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    if p100::mask::SECRET_FIELDS.contains(&key.as_str()) && !field.is_null() {
                        *field = Value::String("[REDACTED]".into());
                    } else if let (true, Value::String(raw)) = (key == "raw", &*field) {
                        // An event the SDK could not read keeps its body as text (`raw`): its
                        // secrets (a 3-D Secure code sent as a number) are hidden as a typed
                        // event's are, or the whole text when it is no JSON (outside review).
                        *field = Value::String(match serde_json::from_str::<Value>(raw) {
                            Ok(mut inner) => {
                                redact(&mut inner);
                                inner.to_string()
                            }
                            Err(_) => {
                                format!("[REDACTED] ({} bytes; --reveal shows it)", raw.len())
                            }
                        });
                    } else {
                        redact(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
    let mut v = v.clone();
    redact(&mut v);
    let text = serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string());
    p100::mask::mask_secrets(&text)
}

/// Writes a line on stdout; a reader that went away (`p100 call … | head`) ends the program
/// quietly instead of a panic.
pub fn out_line(text: &str) {
    out_bytes(format!("{text}\n").as_bytes());
}

/// Writes `bytes` on stdout, as [`out_line`]. A reader that went away ends the program quietly;
/// any other failure (a full disk) is said on stderr, exit status 1: a money call's result
/// must not vanish with status 0.
fn out_bytes(bytes: &[u8]) {
    match write_out(bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            say!("p100: error: the output could not be written on stdout: {e}");
            std::process::exit(1);
        }
    }
}

/// Writes `bytes` on stdout and flushes; the error if it could not (`BrokenPipe`: the reader
/// went away).
pub fn write_out(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush())
}

/// A delivery as text: an optional request line, headers, a blank line, the body.
struct Delivery {
    authorization: Option<String>,
    body: String,
}

fn parse_delivery(text: &str) -> Delivery {
    let text = text.trim_start_matches('\u{feff}');
    // A bare JSON body (no headers) is a delivery without Authorization.
    if text.trim_start().starts_with(['{', '[']) {
        return Delivery {
            authorization: None,
            body: text.to_string(),
        };
    }
    let (head, body) = match text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
    {
        Some((h, b)) => (h, b),
        None => (text, ""),
    };
    let mut authorization = None;
    for line in head.lines() {
        if let Some((name, value)) = line.split_once(':') {
            // The first one counts, as Node's and Python's servers read a repeated header.
            if name.trim().eq_ignore_ascii_case("authorization") && authorization.is_none() {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    Delivery {
        authorization,
        body: body.to_string(),
    }
}

fn verify(token: &str, reveal: bool) -> p100::Result<ExitCode> {
    let text = read_text("-", "stdin")?;
    let d = parse_delivery(&text);
    let verifier = p100::webhooks::Verifier::new(token)?;
    let event = verifier.verify_and_parse(d.authorization.as_deref(), &d.body)?;
    // The event serializes as `{"event": name, "data": payload}`.
    let mut value = serde_json::to_value(&event).unwrap_or(Value::Null);
    let payload = value.get_mut("data").map(Value::take).unwrap_or(value);
    let shown = serde_json::json!({ "event": event.name(), "payload": payload });
    print_secret_json(&shown, reveal);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_wire_names() {
        assert_eq!(wire_name("external-user-id"), "externalUserId");
        assert_eq!(wire_name("externalUserId"), "externalUserId");
        assert_eq!(wire_name("iban"), "iban");
    }

    #[test]
    fn values_stay_text_unless_structured() {
        assert_eq!(field_value("10.50"), Value::String("10.50".into()));
        assert_eq!(field_value("true"), Value::Bool(true));
        assert_eq!(field_value("{\"a\":1}")["a"], 1);
    }

    #[test]
    fn deliveries_read_with_or_without_request_line() {
        let d = parse_delivery("POST /hook HTTP/1.1\r\nAuthorization: t0k\r\n\r\n{\"a\":1}");
        assert_eq!(d.authorization.as_deref(), Some("t0k"));
        assert_eq!(d.body, "{\"a\":1}");
        let d = parse_delivery("{\"a\":1}");
        assert!(d.authorization.is_none());
    }

    #[test]
    fn the_command_tree_is_valid() {
        command().debug_assert();
    }
}
