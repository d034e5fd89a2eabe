//! `p100-sandbox --port PORT --api-key KEY` — serves the P100 Partner API on 127.0.0.1:PORT.
//! The same server as `p100 sandbox` (flags and run loop in `p100_sandbox::serve`).

use std::process::ExitCode;

use clap::Parser;

/// A local, stateful P100 Partner API server for tests and demos (loopback only).
#[derive(Parser, Debug)]
#[command(name = "p100-sandbox", version, about)]
struct Args {
    #[command(flatten)]
    serve: p100_sandbox::serve::ServeArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("p100-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(p100_sandbox::serve::serve(args.serve))
}
