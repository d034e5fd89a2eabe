//! The harness of the CLI's end-to-end tests: the `p100` binary, and a `p100 sandbox` it starts
//! on a free loopback port and stops on drop.
#![allow(dead_code)] // each test file uses its own part of it

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_p100");
pub const KEY: &str = "cli-test-key";
pub const IBAN: &str = "DE89370400440532013000";

/// `call sepa partner-transfer` of 1.00 EUR to [`IBAN`] titled `title`, then `extra`.
pub fn transfer_args<'a>(title: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "call",
        "sepa",
        "partner-transfer",
        "--amount",
        "1.00",
        "--currency",
        "eur",
        "--destination-iban",
        IBAN,
        "--transfer-title",
        title,
    ];
    v.extend_from_slice(extra);
    v
}

/// A running `p100 sandbox`, stopped on drop.
pub struct Sandbox {
    child: Child,
    pub url: String,
}

impl Sandbox {
    /// A sandbox whose asynchronous operations settle after 200 ms.
    pub fn start() -> Sandbox {
        Sandbox::with_settle_ms(200)
    }

    pub fn with_settle_ms(settle_ms: u32) -> Sandbox {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--port", "0", "--api-key", KEY, "--settle-ms"])
            .arg(settle_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("p100 sandbox starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the sandbox prints its URL");
        let url = line.trim().rsplit(' ').next().expect("a URL").to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        Sandbox { child, url }
    }

    /// `p100 <args>` set up for this sandbox (key and URL in the environment).
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("P100_API_KEY", KEY)
            .env("P100_BASE_URL", &self.url)
            .env_remove("P100_ENVIRONMENT")
            .env_remove("P100_WEBHOOK_TOKEN")
            .env_remove("P100_LOG"); // records on stderr would change what the tests read
        c
    }

    pub fn p100(&self, args: &[&str]) -> Output {
        self.p100_stdin(args, None)
    }

    pub fn p100_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("p100 runs");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(input);
        child.wait_with_output().expect("p100 ends")
    }

    /// How many times the sandbox ran `operation` (`GET /_sandbox/ops`).
    pub fn ops(&self, operation: &str) -> u64 {
        let host = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("the sandbox accepts");
        let request = format!(
            "GET /_sandbox/ops HTTP/1.1\r\nhost: {host}\r\nx-api-key: {KEY}\r\nconnection: close\r\n\r\n"
        );
        s.write_all(request.as_bytes()).expect("sent");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("a reply");
        let body = reply.split("\r\n\r\n").nth(1).expect("a body");
        let ops: serde_json::Value = serde_json::from_str(body).expect("JSON");
        ops["ops"][operation].as_u64().unwrap_or(0)
    }

    /// `POST <url><path>` with a JSON body over a plain socket (the sandbox's controls);
    /// returns the reply, which must be a 2xx.
    pub fn post(&self, path: &str, body: &str) -> String {
        let host = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("the sandbox accepts");
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\nx-api-key: {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(request.as_bytes()).expect("sent");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("a reply");
        assert!(reply.starts_with("HTTP/1.1 2"), "{reply}");
        reply
    }
}

impl Sandbox {
    /// `p100 listen --forward-to http://127.0.0.1:9/ --sandbox-url <this> <extra>` with `stdout`,
    /// once it has said "ready" (its stderr is then no longer read).
    pub fn listen(&self, extra: &[&str], stdout: Stdio) -> Child {
        let mut args = vec![
            "listen",
            "--forward-to",
            "http://127.0.0.1:9/",
            "--sandbox-url",
            &self.url,
        ];
        args.extend_from_slice(extra);
        let mut child = self
            .cmd(&args)
            .stderr(Stdio::piped())
            .stdout(stdout)
            .spawn()
            .expect("p100 listen starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        while let Some(Ok(line)) = lines.next() {
            if line.contains("ready") {
                break;
            }
        }
        child
    }

    /// The sandbox's webhook target, as `GET /_sandbox/webhooks` says it (the raw reply).
    pub fn webhook_target(&self) -> String {
        let host = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("the sandbox accepts");
        let req =
            format!("GET /_sandbox/webhooks HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).expect("sent");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("a reply");
        reply
    }

    /// A user of the KYC model, just created (`users create`).
    pub fn create_user(&self, user: &str) {
        let o = self.p100(&[
            "call",
            "users",
            "create",
            "--external-user-id",
            user,
            "--email",
            "jan.kowalski@example.pl",
            "--phone",
            "486012334567",
            "--first-name",
            "Jan",
            "--last-name",
            "Kowalski",
            "--city",
            "Warszawa",
            "--post-code",
            "00-001",
            "--country",
            "PL",
            "--citizenship",
            "PL",
            "--has-accepted-p100-tc",
            "true",
        ]);
        assert!(o.status.success(), "users create: {}", stderr(&o));
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
