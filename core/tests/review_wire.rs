//! Outside review (wire level): the real client (reqwest transport) against a raw, scripted TCP
//! peer on 127.0.0.1 that misbehaves byte by byte, for money calls and reads.
//!
//! Rules checked (shared/DESIGN.md):
//! * principle 6: a money call is retried only when the request provably did not reach the
//!   server (connection refused, DNS) or was refused unprocessed (429, 401); an ambiguous failure
//!   surfaces as such;
//! * principle 7: outcome `not_sent` (provably never left), `rejected` (a reply said no),
//!   `unknown` (sent, no usable reply), `accepted` (a 2xx arrived, its body unreadable);
//! * principle 8: the API key, PAN, CVV, PIN… never appear in `Debug`, `Display` or error
//!   messages.
//!
//! Each test counts the requests the peer actually read ("how many times the money call was
//! sent").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p100::models::{PartnerExchangeRequest, SepaTransferCreated, TransferRequest};
use p100::{Amount, Client, Currency, ErrorKind, Outcome, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[allow(dead_code)] // this file uses only `sepa`
mod common;
use common::sepa;

const KEY: &str = "sk_live_51WireReviewKEY0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// The scripted peer
// ---------------------------------------------------------------------------------------------

/// One request as the peer read it.
#[derive(Clone, Debug)]
#[allow(dead_code)]
struct Req {
    head: String,
    body: Vec<u8>,
}

impl Req {
    fn method(&self) -> &str {
        self.head.split(' ').next().unwrap_or_default()
    }
}

/// What the peer does after reading request number `n` (0-based, over all connections).
#[derive(Clone)]
enum Step {
    /// Write these bytes.
    W(Vec<u8>),
    /// Wait.
    Sleep(u64),
    /// Close the connection (FIN).
    Close,
    /// Reset the connection (RST: SO_LINGER 0).
    Reset,
}

type Script = Arc<dyn Fn(usize, &Req) -> Vec<Step> + Send + Sync>;

struct Peer {
    url: String,
    port: u16,
    reqs: Arc<Mutex<Vec<Req>>>,
    conns: Arc<AtomicUsize>,
}

impl Peer {
    fn count(&self) -> usize {
        self.reqs.lock().unwrap().len()
    }
    fn posts(&self) -> usize {
        self.reqs
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method() == "POST")
            .count()
    }
}

/// Reads one HTTP/1.1 request (head and a Content-Length body); `None` on EOF or after 3 s.
async fn read_request(sock: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = tokio::time::timeout(Duration::from_secs(3), sock.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = tokio::time::timeout(Duration::from_secs(3), sock.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Req { head, body })
}

async fn scripted(script: Script) -> Peer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let reqs: Arc<Mutex<Vec<Req>>> = Arc::default();
    let conns = Arc::new(AtomicUsize::new(0));
    let (r, c) = (reqs.clone(), conns.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            c.fetch_add(1, Ordering::SeqCst);
            let (reqs, script) = (r.clone(), script.clone());
            tokio::spawn(async move {
                // Keep-alive: answer request after request until a step closes.
                while let Some(req) = read_request(&mut sock).await {
                    let n = {
                        let mut all = reqs.lock().unwrap();
                        all.push(req.clone());
                        all.len() - 1
                    };
                    for step in script(n, &req) {
                        match step {
                            Step::W(bytes) => {
                                if sock.write_all(&bytes).await.is_err() {
                                    return;
                                }
                                let _ = sock.flush().await;
                            }
                            Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                            Step::Close => {
                                let _ = sock.shutdown().await;
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                return;
                            }
                            Step::Reset => {
                                #[allow(deprecated)]
                                let _ = sock.set_linger(Some(Duration::ZERO));
                                drop(sock);
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    Peer {
        url: format!("http://{addr}"),
        port: addr.port(),
        reqs,
        conns,
    }
}

/// A peer that answers every request with the same steps.
async fn always(steps: Vec<Step>) -> Peer {
    scripted(Arc::new(move |_, _| steps.clone())).await
}

/// A full response with a correct Content-Length.
fn resp(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json_resp(status: &str, body: &str) -> Vec<u8> {
    resp(status, &["content-type: application/json"], body.as_bytes())
}

fn client(url: &str, timeout_ms: u64) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(url)
        .timeout(Duration::from_millis(timeout_ms))
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

/// The SEPA transfer of every money-call test, sent once to `url` (2 s timeout).
async fn send_sepa(url: &str) -> p100::Result<SepaTransferCreated> {
    client(url, 2000).sepa().partner_transfer(&sepa()).await
}

/// Runs one money call of each of three kinds against `url`; returns (name, result as
/// Result<id, Error>).
async fn money_calls(url: &str) -> Vec<(&'static str, Result<String, p100::Error>)> {
    let c = client(url, 2000);
    let amount = Amount::parse("10.00").unwrap();
    vec![
        (
            "sepa.partner_transfer",
            c.sepa()
                .partner_transfer(&sepa())
                .await
                .map(|r| r.transfer_id),
        ),
        (
            "transfers.create",
            c.transfers()
                .create(&TransferRequest::fund("user-1", amount, Currency::Eur))
                .await
                .map(|r| r.transfer_id),
        ),
        (
            "exchange.partner_execute",
            c.exchange()
                .partner_execute(&PartnerExchangeRequest::new(
                    amount,
                    Currency::Eur,
                    Currency::Btc,
                    "lock-1",
                ))
                .await
                .map(|r| r.exchange_id),
        ),
    ]
}

/// The error of a money call that may have happened: never `rejected`/`not_sent`, never
/// retryable, with a fingerprint.
fn assert_may_have_happened(e: &p100::Error, what: &str) {
    assert!(
        matches!(e.outcome(), Outcome::Unknown | Outcome::Accepted),
        "{what}: outcome {:?} although the request reached the peer: {e:?}",
        e.outcome()
    );
    assert!(!e.is_retryable(), "{what}: retryable: {e:?}");
    assert!(e.fingerprint().is_some(), "{what}: no fingerprint: {e:?}");
}

fn assert_no_key(e: &p100::Error, what: &str) {
    for text in [format!("{e}"), format!("{e:?}")] {
        assert!(!text.contains(KEY), "{what}: the API key leaked: {text}");
        assert!(
            !text.contains("51WireReviewKEY"),
            "{what}: part of the API key leaked: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Empty or odd 2xx replies to money calls
// ---------------------------------------------------------------------------------------------

/// 204 / 205 / 200 and 202 with an empty body: the money call happened (2xx) but no id came back.
/// Must be an `accepted` error (never a success without an id, never resent).
#[tokio::test]
async fn money_call_empty_2xx_is_accepted_and_never_resent() {
    for raw in [
        b"HTTP/1.1 204 No Content\r\n\r\n".to_vec(),
        b"HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\n\r\n".to_vec(),
        resp("200 OK", &[], b""),
        resp("202 Accepted", &[], b"  \r\n "),
    ] {
        let what = String::from_utf8_lossy(&raw[..12]).into_owned();
        let peer = always(vec![Step::W(raw)]).await;
        for (op, r) in money_calls(&peer.url).await {
            let e = r.expect_err(&format!("{what} {op}: success without an id"));
            assert_eq!(e.outcome(), Outcome::Accepted, "{what} {op}: {e:?}");
            assert_may_have_happened(&e, &format!("{what} {op}"));
        }
        assert_eq!(peer.count(), 3, "{what}: each money call sent exactly once");
    }
}

/// A 2xx whose body is valid JSON of another shape, or whose id has a wrong type: `accepted`,
/// raw body kept, sent once.
#[tokio::test]
async fn money_call_2xx_of_another_shape_is_accepted_with_its_raw_body() {
    for body in [
        r#"{"status":"ok"}"#,
        r#"{"data":{"transferId":"t-env"}}"#,
        "null",
        "[]",
        r#""t-1""#,
        r#"{"transferId":null}"#,
        r#"{"transferId":{"id":"t-obj"}}"#,
        r#"{"transferId":true}"#,
        r#"{"transferId":"t-1","id":"t-2"}"#,
    ] {
        let peer = always(vec![Step::W(json_resp("201 Created", body))]).await;
        let e = send_sepa(&peer.url).await.expect_err(body);
        assert_eq!(e.outcome(), Outcome::Accepted, "{body}: {e:?}");
        assert_eq!(e.kind(), ErrorKind::Decode, "{body}");
        assert_eq!(e.status(), Some(201));
        assert_eq!(e.raw_body(), Some(body), "{body}: nothing is lost");
        assert_may_have_happened(&e, body);
        assert_eq!(peer.count(), 1, "{body}: sent once");
    }
}

/// A numeric id (a bigint / snowflake id written as a JSON number) in a money call's 2xx.
/// "Lenient in" (principle 4) and "nothing is lost": created ids given as JSON numbers decode,
/// with their exact digits (in an `accepted` error's raw body, the masking of card-number
/// shapes would have hidden all but the last 4).
#[tokio::test]
async fn money_call_2xx_with_a_long_numeric_id_keeps_the_id() {
    let id = "1790426153098764321"; // 19 digits, like a snowflake id
    let body = format!(r#"{{"transferId":{id}}}"#);
    let peer = always(vec![Step::W(json_resp("201 Created", &body))]).await;
    let r = send_sepa(&peer.url).await;
    assert_eq!(peer.count(), 1);
    let created = r.unwrap_or_else(|e| panic!("a numeric id is lost: {e:?}"));
    assert_eq!(created.transfer_id, id);
}

/// A body that is not UTF-8 in a money call's 2xx: `accepted`, never `rejected`, sent once.
#[tokio::test]
async fn money_call_2xx_not_utf8_is_accepted() {
    let peer = always(vec![Step::W(resp(
        "200 OK",
        &["content-type: application/json"],
        b"{\"transferId\":\"t-\xff\xfe\"}",
    ))])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert!(e.raw_body().unwrap_or_default().contains("transferId"));
    assert_eq!(peer.count(), 1);
}

/// `Content-Encoding: gzip` on a 2xx (the client sends no Accept-Encoding and decodes none):
/// the body is unreadable but the call happened: `accepted`, sent once.
#[tokio::test]
async fn money_call_2xx_gzip_body_is_accepted() {
    const GZ: [u8; 41] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 42, 41, 74, 204, 43, 78, 75, 45, 242, 76, 81,
        178, 82, 42, 209, 77, 175, 82, 170, 5, 0, 244, 39, 76, 165, 21, 0, 0, 0,
    ];
    let peer = always(vec![Step::W(resp(
        "201 Created",
        &["content-type: application/json", "content-encoding: gzip"],
        &GZ,
    ))])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(peer.count(), 1);
}

/// Deeply nested JSON in a 2xx (recursion bomb): an `accepted` decode error, no panic, no
/// stack overflow.
#[tokio::test]
async fn money_call_2xx_nesting_bomb_is_accepted_without_panic() {
    let body = format!(r#"{{"transferId":{}"#, "[".repeat(200_000));
    let peer = always(vec![Step::W(json_resp("201 Created", &body))]).await;
    let e = client(&peer.url, 3000)
        .sepa()
        .partner_transfer(&sepa())
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{}", e.message());
    assert_eq!(peer.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Framing: Content-Length, chunked, HTTP/1.0, 1xx, headers
// ---------------------------------------------------------------------------------------------

/// Content-Length smaller than the body: the body read is cut; the call happened: `accepted`.
#[tokio::test]
async fn money_call_2xx_content_length_smaller_than_body_is_accepted() {
    let body = r#"{"transferId":"t-short"}"#;
    let raw = format!("HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\n{body}");
    let peer = always(vec![Step::W(raw.into_bytes()), Step::Close]).await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(e.raw_body(), Some(r#"{"tra"#));
    assert_eq!(peer.count(), 1);
}

/// Bytes left over after a complete reply (Content-Length too small, or a pipelined extra
/// response) must never be read as the reply to the *next* call on the pooled connection: a
/// money call answered with a reply written before it was even sent would report an id P100
/// never gave it.
#[tokio::test]
async fn leftover_bytes_never_answer_the_next_money_call() {
    let forged = json_resp("201 Created", r#"{"transferId":"t-FORGED"}"#);
    let peer = scripted(Arc::new(move |n, _req: &Req| {
        if n == 0 {
            let mut first = json_resp("200 OK", "{}");
            first.extend_from_slice(&forged);
            vec![Step::W(first)]
        } else {
            vec![Step::W(json_resp(
                "201 Created",
                r#"{"transferId":"t-real"}"#,
            ))]
        }
    }))
    .await;
    let c = client(&peer.url, 2000);
    c.request("GET", "/v1/partner/balances", None)
        .await
        .unwrap();
    let r = c.sepa().partner_transfer(&sepa()).await;
    match &r {
        Ok(created) => assert_eq!(
            created.transfer_id, "t-real",
            "the money call got a reply that was sent before it"
        ),
        Err(e) => assert_ne!(e.outcome(), Outcome::Rejected, "{e:?}"),
    }
    assert!(peer.posts() <= 1, "sent {} times", peer.posts());
    if r.is_ok() {
        assert_eq!(peer.posts(), 1);
    }
}

/// Two conflicting Content-Length headers, a negative one, a non-numeric one: the reply cannot
/// be framed. For a money call the request was read by the peer: never `rejected` or
/// `not_sent`, never retried.
#[tokio::test]
async fn money_call_unframeable_reply_is_unknown_and_not_resent() {
    for raw in [
        "HTTP/1.1 201 Created\r\ncontent-length: 24\r\ncontent-length: 5\r\n\r\n{\"transferId\":\"t-cl\"}   ",
        "HTTP/1.1 201 Created\r\ncontent-length: -1\r\n\r\n{\"transferId\":\"t-cl\"}",
        "HTTP/1.1 201 Created\r\ncontent-length: abc\r\n\r\n{\"transferId\":\"t-cl\"}",
        "HTTP/1.1 201 Created\r\ncontent-length: 5\r\ntransfer-encoding: chunked, identity\r\n\r\n{}",
        "HTTP/1.1 2x1 Created\r\ncontent-length: 2\r\n\r\n{}",
        "HTTQ/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}",
    ] {
        let peer = always(vec![Step::W(raw.as_bytes().to_vec()), Step::Close]).await;
        let r = send_sepa(&peer.url).await;
        let e = r.expect_err(raw);
        assert_may_have_happened(&e, raw);
        assert_eq!(peer.count(), 1, "{raw}: resent");
        assert_no_key(&e, raw);
    }
}

/// Chunked 2xx cut in the middle of a chunk (connection closed): `accepted` with the partial
/// body; a chunk size that is not hex: also after the status arrived.
#[tokio::test]
async fn money_call_2xx_chunked_cut_mid_chunk_is_accepted() {
    let cut =
        "HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n20\r\n{\"transferId\":\"t-";
    let peer = always(vec![Step::W(cut.as_bytes().to_vec()), Step::Close]).await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(e.status(), Some(201));
    assert_eq!(e.raw_body(), Some("{\"transferId\":\"t-"));
    assert_eq!(peer.count(), 1);

    let bad = "HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
    let peer = always(vec![Step::W(bad.as_bytes().to_vec()), Step::Close]).await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(peer.count(), 1);
}

/// HTTP/1.0 close-delimited replies: a complete one decodes; one cut short (closed inside the
/// JSON) is `accepted`, never resent.
#[tokio::test]
async fn money_call_http10_close_delimited_replies() {
    let ok =
        "HTTP/1.0 201 Created\r\ncontent-type: application/json\r\n\r\n{\"transferId\":\"t-10\"}";
    let peer = always(vec![Step::W(ok.as_bytes().to_vec()), Step::Close]).await;
    let r = send_sepa(&peer.url).await.unwrap();
    assert_eq!(r.transfer_id, "t-10");

    let cut = "HTTP/1.0 201 Created\r\n\r\n{\"transferId\":\"t-1";
    let peer = always(vec![Step::W(cut.as_bytes().to_vec()), Step::Close]).await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(peer.count(), 1);
}

/// 1xx informational replies: `100 Continue` / `103 Early Hints` before the final 201 are
/// skipped; a `102 Processing` and then a closed connection is `unknown` (never resent).
#[tokio::test]
async fn money_call_1xx_replies() {
    for pre in [
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n",
    ] {
        let mut raw = pre.as_bytes().to_vec();
        raw.extend(json_resp("201 Created", r#"{"transferId":"t-1xx"}"#));
        let peer = always(vec![Step::W(raw)]).await;
        let r = send_sepa(&peer.url).await;
        assert_eq!(r.expect(pre).transfer_id, "t-1xx");
        assert_eq!(peer.count(), 1);
    }
    let peer = always(vec![
        Step::W(b"HTTP/1.1 102 Processing\r\n\r\n".to_vec()),
        Step::Sleep(100),
        Step::Close,
    ])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
    assert_may_have_happened(&e, "102 then close");
    assert_eq!(peer.count(), 1);
}

/// Huge reply headers (one 512 KiB header; 300 headers) on a 2xx: the reply cannot be read;
/// the money call was received: `unknown`/`accepted`, not resent. A read is retried.
#[tokio::test]
async fn huge_reply_headers() {
    let big = format!("x-big: {}", "a".repeat(512 * 1024));
    let many: Vec<String> = (0..300).map(|i| format!("x-h{i}: v")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    for headers in [vec![big.as_str()], many] {
        let peer = always(vec![
            Step::W(resp("201 Created", &headers, br#"{"transferId":"t-h"}"#)),
            Step::Close,
        ])
        .await;
        let r = send_sepa(&peer.url).await;
        match r {
            Ok(created) => assert_eq!(created.transfer_id, "t-h"),
            Err(e) => assert_may_have_happened(&e, "huge headers"),
        }
        assert_eq!(peer.count(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Status codes, timeouts, resets
// ---------------------------------------------------------------------------------------------

/// 408 / 409 / 425 / 502 / 504 (no P100 body) on a money call: never retried; 5xx are
/// `unknown` (principle 6: "5xx ... surfaces to the caller as such").
#[tokio::test]
async fn money_call_odd_statuses_are_never_resent() {
    for (status, expected) in [
        ("408 Request Timeout", None),
        ("409 Conflict", None),
        ("425 Too Early", None),
        ("502 Bad Gateway", Some(Outcome::Unknown)),
        ("504 Gateway Timeout", Some(Outcome::Unknown)),
    ] {
        let peer = always(vec![Step::W(resp(
            status,
            &["content-type: text/html"],
            b"<html>oops</html>",
        ))])
        .await;
        let e = send_sepa(&peer.url).await.unwrap_err();
        assert_eq!(peer.count(), 1, "{status}: resent");
        assert!(!e.is_retryable(), "{status}: {e:?}");
        if let Some(o) = expected {
            assert_eq!(e.outcome(), o, "{status}: {e:?}");
            assert!(e.fingerprint().is_some());
        }
    }
    // A read is retried on 502/504.
    for status in ["502 Bad Gateway", "504 Gateway Timeout"] {
        let peer = always(vec![Step::W(resp(status, &[], b""))]).await;
        let _ = client(&peer.url, 2000)
            .partner()
            .balances()
            .await
            .unwrap_err();
        assert_eq!(peer.count(), 3, "{status}: a read is retried");
    }
}

/// A redirect (307/308) to another listener: never followed (no key, no body elsewhere),
/// `unknown` after a write, sent once.
#[tokio::test]
async fn money_call_redirect_to_another_host_is_not_followed() {
    let elsewhere = always(vec![Step::W(json_resp(
        "201 Created",
        r#"{"transferId":"stolen"}"#,
    ))])
    .await;
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let location = format!(
            "location: http://127.0.0.1:{}/v1/partner/sepa-transfer",
            elsewhere.port
        );
        let peer = always(vec![Step::W(resp(status, &[&location], b""))]).await;
        let e = send_sepa(&peer.url).await.unwrap_err();
        assert_eq!(e.outcome(), Outcome::Unknown, "{status}: {e:?}");
        assert_eq!(peer.count(), 1);
        assert_no_key(&e, status);
    }
    assert_eq!(
        elsewhere.conns.load(Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}

/// The status line arrives but the headers never finish; then the deadline passes: `unknown`,
/// sent once, and the call ends near its timeout.
#[tokio::test]
async fn money_call_headers_that_never_finish_time_out_as_unknown() {
    let peer = always(vec![
        Step::W(b"HTTP/1.1 201 Created\r\ncontent-type: appl".to_vec()),
        Step::Sleep(4000),
    ])
    .await;
    let started = Instant::now();
    let e = client(&peer.url, 400)
        .sepa()
        .partner_transfer(&sepa())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
    assert_may_have_happened(&e, "headers never finish");
    assert_eq!(peer.count(), 1);
}

/// A 2xx whose headers arrive in time and whose body arrives after the deadline: the call
/// happened (`accepted`, kind timeout, status kept), never resent.
#[tokio::test]
async fn money_call_2xx_body_after_the_deadline_is_accepted() {
    let peer = always(vec![
        Step::W(b"HTTP/1.1 201 Created\r\ncontent-length: 24\r\n\r\n{\"transfer".to_vec()),
        Step::Sleep(1500),
        Step::W(b"Id\":\"t-late\"}  ".to_vec()),
    ])
    .await;
    let e = client(&peer.url, 400)
        .sepa()
        .partner_transfer(&sepa())
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.status(), Some(201));
    assert_eq!(peer.count(), 1);
}

/// The peer reads the whole request, then resets the connection (RST): `unknown`, never
/// resent; a read is retried.
#[tokio::test]
async fn reset_after_the_request_was_read() {
    let peer = always(vec![Step::Sleep(20), Step::Reset]).await;
    for (op, r) in money_calls(&peer.url).await {
        let e = r.expect_err(op);
        assert_eq!(e.outcome(), Outcome::Unknown, "{op}: {e:?}");
        assert_eq!(e.kind(), ErrorKind::Network, "{op}");
        assert_may_have_happened(&e, op);
        assert_no_key(&e, op);
    }
    assert_eq!(peer.count(), 3, "one request per money call");
    let peer = always(vec![Step::Reset]).await;
    let _ = client(&peer.url, 2000)
        .partner()
        .balances()
        .await
        .unwrap_err();
    assert_eq!(peer.count(), 3, "a read is retried");
}

/// A pooled keep-alive connection that the peer closes right after answering a read: the next
/// money call is sent at most once (hyper may only re-send a request it never wrote), and a
/// success means it was sent exactly once.
#[tokio::test]
async fn money_call_on_a_connection_closed_after_a_keep_alive_reply() {
    let peer = scripted(Arc::new(|_, req: &Req| {
        if req.method() == "GET" {
            vec![Step::W(json_resp("200 OK", "{}")), Step::Close]
        } else {
            vec![Step::W(json_resp(
                "201 Created",
                r#"{"transferId":"t-ka"}"#,
            ))]
        }
    }))
    .await;
    let c = client(&peer.url, 2000);
    for _ in 0..5 {
        c.request("GET", "/v1/partner/balances", None)
            .await
            .unwrap();
        let before = peer.posts();
        let r = c.sepa().partner_transfer(&sepa()).await;
        let sent = peer.posts() - before;
        assert!(sent <= 1, "sent {sent} times");
        match r {
            Ok(created) => {
                assert_eq!(created.transfer_id, "t-ka");
                assert_eq!(sent, 1);
            }
            Err(e) => assert_ne!(e.outcome(), Outcome::Rejected, "{e:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------------------------

/// 429 on a money call with odd Retry-After values (negative, garbage, a date in the past,
/// zero): retried once soon (429 is "refused unprocessed"), then the 201 is returned.
#[tokio::test]
async fn money_call_429_with_odd_retry_after_is_retried_soon() {
    let past = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(1_000_000));
    for ra in ["-5", "soon", past.as_str(), "0", "1e400", "NaN"] {
        let header = format!("retry-after: {ra}");
        let peer = scripted(Arc::new(move |n, _: &Req| {
            if n == 0 {
                vec![Step::W(resp("429 Too Many Requests", &[&header], b""))]
            } else {
                vec![Step::W(json_resp(
                    "201 Created",
                    r#"{"transferId":"t-429"}"#,
                ))]
            }
        }))
        .await;
        let started = Instant::now();
        let r = tokio::time::timeout(
            Duration::from_secs(3),
            client(&peer.url, 2000).sepa().partner_transfer(&sepa()),
        )
        .await;
        let r = r.unwrap_or_else(|_| panic!("Retry-After {ra:?}: still waiting after 3 s"));
        assert_eq!(r.expect(ra).transfer_id, "t-429");
        assert_eq!(peer.count(), 2, "{ra}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}

/// 429 on a money call with a Retry-After far beyond what the client will wait (a day, or a
/// date next year). Honouring it (principle 6) means not sending the call again before then:
/// the call should give up at once with `rate_limited` and the server's `retry_after`, instead
/// of sleeping the 60 s cap and then re-sending a day early.
#[tokio::test]
async fn money_call_429_with_a_huge_retry_after_gives_up_at_once() {
    let next_year =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(365 * 86400));
    for ra in ["86400", next_year.as_str()] {
        let header = format!("retry-after: {ra}");
        let peer = always(vec![Step::W(resp(
            "429 Too Many Requests",
            &[&header],
            b"",
        ))])
        .await;
        let c = client(&peer.url, 2000);
        let r =
            tokio::time::timeout(Duration::from_secs(4), c.sepa().partner_transfer(&sepa())).await;
        let e = match r {
            Ok(r) => r.unwrap_err(),
            Err(_) => panic!(
                "Retry-After {ra:?}: the call is still sleeping after 4 s (it waits the 60 s cap, \
                 then sends the money call again long before the server allowed); requests so far: {}",
                peer.count()
            ),
        };
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(
            e.retry_after().unwrap() >= Duration::from_secs(86000),
            "{e:?}"
        );
        assert_eq!(peer.count(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// A P500 ("the call may have been processed", HTTP 400) the SDK fails to read
// ---------------------------------------------------------------------------------------------

/// P100 answers "unknown exception" (P500) with HTTP 400 (00-integration.md, error table). A
/// P500 whose `errorMessage` holds one byte that is not UTF-8 (a Latin-1 "Ü" from a server
/// message in another charset) must still be read as P500 → `unknown`; reported `rejected`
/// ("nothing happened"), the caller sends the transfer again.
#[tokio::test]
async fn money_call_p500_with_a_latin1_message_is_unknown() {
    let body = b"{\"errorCode\":\"P500\",\"errorName\":\"unknown-exception\",\"errorMessage\":\"Fehler bei der \xDCberweisung\"}";
    let peer = always(vec![Step::W(resp(
        "400 Bad Request",
        &["content-type: application/json; charset=iso-8859-1"],
        body,
    ))])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(peer.count(), 1);
    assert_eq!(
        e.outcome(),
        Outcome::Unknown,
        "a P500 (may have been processed) reported as {:?}: {e:?}",
        e.outcome()
    );
    assert_eq!(e.code().map(|c| c.as_str()), Some("P500"), "{e:?}");
    assert!(e.fingerprint().is_some());
}

/// The same P500 / P501 with a field of an unexpected type next to the code (`errorMessage` as
/// a list, as NestJS-style validators write it; an object; `errorName` as a number), a key
/// written twice, or a second JSON document / trailing text after the object: the code is there
/// and readable, so the error is `unknown`, not `rejected`.
#[tokio::test]
async fn money_call_p500_with_an_oddly_typed_field_is_unknown() {
    let mut wrong = Vec::new();
    for body in [
        r#"{"errorCode":"P500","errorName":"unknown-exception","errorMessage":["Unknown exception"]}"#,
        r#"{"errorCode":"P501","errorMessage":{"text":"Service temporarily unavailable"}}"#,
        r#"{"errorCode":"P500","errorName":500,"errorMessage":"Unknown exception"}"#,
        r#"{"errorCode":"P500","message":{"detail":"x"}}"#,
        r#"{"errorCode":"P500","errorMessage":"Unknown exception","errorMessage":"again"}"#,
        "{\"errorCode\":\"P500\",\"errorMessage\":\"Unknown exception\"}\n{\"trace\":\"abc\"}",
    ] {
        let peer = always(vec![Step::W(json_resp("400 Bad Request", body))]).await;
        let e = send_sepa(&peer.url).await.unwrap_err();
        assert_eq!(peer.count(), 1, "{body}");
        if e.outcome() != Outcome::Unknown || e.fingerprint().is_none() {
            wrong.push(format!("{body}\n    -> {e:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "P500/P501 reported as a refusal (`rejected`, no fingerprint):\n{}",
        wrong.join("\n")
    );
}

/// A 2xx to a money call whose body is a P100 error object (P100 does send P-codes with a 2xx:
/// P211 comes with HTTP 202, 00-integration.md): the status says yes, the body says no. The
/// code is kept and the outcome is `unknown` (reconcile): not `accepted`, which would hide a
/// refusal, nor `rejected`, which would invite a second payment. (P100 is not documented to
/// answer a money call that way.)
#[tokio::test]
async fn money_call_2xx_carrying_a_p_code_is_not_reported_as_having_happened() {
    let mut wrong = Vec::new();
    for body in [
        r#"{"errorCode":"P433","errorName":"insufficient-funds","errorMessage":"Insufficient funds"}"#,
        r#"{"errorCode":"P500","errorName":"unknown-exception","errorMessage":"Unknown exception"}"#,
    ] {
        let peer = always(vec![Step::W(json_resp("200 OK", body))]).await;
        let e = send_sepa(&peer.url).await.unwrap_err();
        assert_eq!(peer.count(), 1, "{body}");
        if e.outcome() != Outcome::Unknown || e.code().is_none() || e.fingerprint().is_none() {
            wrong.push(format!("{body}\n    -> {e:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The same for a call whose reply the SDK does not read (block a card, upload a POA…): a 2xx
/// carrying a P-code was taken for a success, so a refusal in the body was reported as done.
/// Now an `Api` error with its code, outcome `unknown` (a write). The documented 2xx code
/// P211 ("POA pending", HTTP 202, a success status in the docs) stays a success.
#[tokio::test]
async fn a_call_without_a_reply_model_does_not_take_a_2xx_p_code_for_success() {
    let body =
        r#"{"errorCode":"P434","errorName":"card-not-found","errorMessage":"Card does not exist"}"#;
    let peer = always(vec![Step::W(json_resp("200 OK", body))]).await;
    let c = client(&peer.url, 2000);
    let e = c
        .cards()
        .block(&p100::models::CardRef::new("u-1", "c-1"))
        .await
        .unwrap_err();
    assert_eq!(peer.count(), 1);
    assert_eq!(e.kind(), ErrorKind::Api, "{e:?}");
    assert_eq!(e.code(), Some(&p100::ErrorCode::P434), "{e:?}");
    assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
    // No fingerprint: blocking a card moves no money (fingerprints are for money calls).
    assert!(e.fingerprint().is_none(), "{e:?}");
    assert!(!e.is_retryable());

    // A body that echoes the API key never brings it into the error.
    let body = format!(r#"{{"errorCode":"P403","errorMessage":"key {KEY} is not allowed"}}"#);
    let peer = always(vec![Step::W(json_resp("200 OK", &body))]).await;
    let e = client(&peer.url, 2000)
        .cards()
        .block(&p100::models::CardRef::new("u-1", "c-1"))
        .await
        .unwrap_err();
    let shown = format!("{e:?} {e} {}", e.raw_body().unwrap_or_default());
    assert!(!shown.contains(KEY), "{shown}");
    assert_eq!(e.code(), Some(&p100::ErrorCode::P403));

    // A success envelope without a P-code (or an empty body) stays a success.
    for body in [r#"{"errorCode":0,"message":"ok"}"#, "", "{}"] {
        let peer = always(vec![Step::W(json_resp("200 OK", body))]).await;
        let c = client(&peer.url, 2000);
        let r = c
            .cards()
            .block(&p100::models::CardRef::new("u-1", "c-1"))
            .await;
        assert!(r.is_ok(), "{body:?}: {r:?}");
    }

    // 202 P211 on a POA upload: the docs' success status.
    let png: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let peer = always(vec![Step::W(json_resp(
        "202 Accepted",
        r#"{"errorCode":"P211","errorName":"poa-pending","errorMessage":"POA pending"}"#,
    ))])
    .await;
    let c = client(&peer.url, 2000);
    let request = p100::models::PoaFilesRequest {
        external_user_id: "u-1".into(),
        files: vec![p100::models::FileUpload::new("poa.png", png.to_vec())],
    };
    let r = c.kyc().upload_poa(&request).await;
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(peer.count(), 1);
}

/// A 400 whose body P100 sent gzip-compressed although the client never asked for it: the SDK
/// cannot read its code, which may be P500. Like a 400 whose body was cut before its code
/// (already `unknown` in the core), it must not be called a refusal. (Debatable: a
/// non-compliant server.)
#[tokio::test]
async fn money_call_400_with_an_undecodable_gzip_body_is_unknown() {
    const GZ_P500: [u8; 80] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 74, 45, 42, 202, 47, 114, 206, 79, 73, 85, 178,
        82, 10, 48, 53, 48, 80, 210, 129, 8, 249, 37, 230, 130, 132, 74, 243, 178, 243, 242, 203,
        243, 116, 83, 43, 146, 83, 11, 74, 50, 243, 243, 96, 242, 190, 169, 197, 197, 137, 233, 32,
        37, 161, 16, 37, 10, 8, 37, 181, 0, 10, 119, 26, 253, 87, 0, 0, 0,
    ];
    let peer = always(vec![Step::W(resp(
        "400 Bad Request",
        &["content-type: application/json", "content-encoding: gzip"],
        &GZ_P500,
    ))])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(peer.count(), 1);
    assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// An error body that echoes the API key in prose (a gateway's "forbidden for key …", a
/// server's "no partner for api key …"): principle 8 says the key never appears in `Display`,
/// `Debug` or error messages. The SDK knows the key's exact value.
#[tokio::test]
async fn an_error_body_echoing_the_api_key_does_not_leak_it() {
    let bodies = [
        (
            "403 Forbidden",
            format!(r#"{{"message":"Forbidden: key {KEY} is not allowed from 10.1.2.3"}}"#),
        ),
        (
            "400 Bad Request",
            format!(
                r#"{{"errorCode":"P418","errorName":"partner-not-found","errorMessage":"No partner found for API key {KEY}"}}"#
            ),
        ),
        (
            "400 Bad Request",
            format!(r#"{{"errorCode":"P403","errorMessage":"{KEY} is not a valid partner key"}}"#),
        ),
        (
            "500 Internal Server Error",
            format!(r#"{{"errorCode":"P500","errorMessage":"lookup failed for {KEY}"}}"#),
        ),
    ];
    let mut leaks = Vec::new();
    for (status, body) in &bodies {
        let peer = always(vec![Step::W(json_resp(status, body))]).await;
        let e = send_sepa(&peer.url).await.unwrap_err();
        let shown = format!("{e} | {e:?}");
        if shown.contains(KEY) {
            leaks.push(format!("{status}: {shown}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "the API key leaked:\n{}",
        leaks.join("\n")
    );
}

/// The same echo in the masked raw body that every binding hands to the caller
/// (`e.rawBody`, `ErrorDetails.raw_body`).
#[tokio::test]
async fn the_raw_body_of_an_error_does_not_hold_the_api_key() {
    let body = format!("Access Denied. xo3 (ip 10.1.2.3, key {KEY})");
    let peer = always(vec![Step::W(resp(
        "401 Unauthorized",
        &["content-type: text/plain"],
        body.as_bytes(),
    ))])
    .await;
    let e = send_sepa(&peer.url).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_no_key(&e, "401");
    let details = p100::ErrorDetails::from(&e);
    let json = serde_json::to_string(&details).unwrap();
    assert!(
        !json.contains(KEY),
        "the API key is in the error details: {json}"
    );
}

/// A reply header that echoes the request's key (a debugging proxy's `x-echo: x-api-key=…`):
/// `ResponseMeta` (what `with_response()` returns and every binding exposes as `headers`)
/// redacts secret header *names* only, so the key shows in its `Debug`.
#[tokio::test]
async fn response_meta_does_not_show_an_echoed_api_key() {
    let echo = format!("x-echo-request: x-api-key={KEY}; accept=application/json");
    let peer = always(vec![Step::W(resp(
        "201 Created",
        &["content-type: application/json", &echo],
        br#"{"transferId":"t-echo"}"#,
    ))])
    .await;
    let c = client(&peer.url, 2000);
    let r = c
        .with_response()
        .sepa()
        .partner_transfer(&sepa())
        .await
        .unwrap();
    assert_eq!(r.data.transfer_id, "t-echo");
    let shown = format!("{:?} {:?}", r.response, r.response.header_map());
    assert!(!shown.contains(KEY), "the API key is shown: {shown}");
}

/// An error body that echoes a card request (PAN, CVV, PIN in JSON, a PAN in prose): masked in
/// `Display`, `Debug` and the raw body.
#[tokio::test]
async fn an_error_body_echoing_card_data_is_masked() {
    let body = r#"{"errorCode":"P434","errorMessage":"card 4111 1111 1111 1111 rejected","request":{"externalUserId":"u1","cardNumber":"4111111111111111","cvv":"987","pin":"5813"}}"#;
    let peer = always(vec![Step::W(json_resp("400 Bad Request", body))]).await;
    let e = client(&peer.url, 2000)
        .cards()
        .details("u1", "card-1")
        .await
        .unwrap_err();
    for text in [
        format!("{e}"),
        format!("{e:?}"),
        e.raw_body().unwrap_or_default().to_string(),
    ] {
        for secret in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "\"987\"",
            "\"5813\"",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
}

/// `Debug` of the client, its builder, per-call options, a built request and transport-level
/// errors: no API key anywhere.
#[tokio::test]
async fn debug_of_everything_hides_the_key() {
    let builder = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9");
    assert!(!format!("{builder:?}").contains(KEY));
    let c = builder.build().unwrap();
    assert!(!format!("{c:?}").contains(KEY));
    assert!(!format!("{:?}", c.config()).contains(KEY));
    let opts = p100::RequestOptions {
        headers: p100::client::check_headers([("x-trace", "abc")]).unwrap(),
        ..Default::default()
    };
    assert!(!format!("{opts:?}").contains(KEY));
    let c2 = c.with_options(opts);
    assert!(!format!("{c2:?}").contains(KEY));
    let prepared = p100::client::Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[])
        .unwrap()
        .json(&sepa())
        .unwrap();
    let req = p100::client::build_http_request(c.config(), &prepared);
    assert_eq!(req.header("x-api-key"), Some(KEY), "the key is sent");
    assert!(!format!("{req:?}").contains(KEY), "{req:?}");
    // Refused connection (port 9 on loopback: nothing listens).
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::NotSent, "{e:?}");
    assert_no_key(&e, "refused");
}

// ---------------------------------------------------------------------------------------------
// Connecting longer than the call's timeout
// ---------------------------------------------------------------------------------------------

/// A listener whose accept queue is full: the TCP handshake never completes, so nothing was
/// sent. With the client's timeout (400 ms) shorter than the connect timeout (default 10 s),
/// connecting gives up first (within 3/4 of the timeout), so the error is `not_sent` as the
/// Outcome docs list a connect timeout, not `unknown` (a transfer to reconcile that never left).
#[tokio::test]
async fn a_money_call_that_never_connected_within_its_timeout_is_not_sent() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_millis(300), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => fillers.push(s),
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => break,
        }
        assert!(fillers.len() < 16, "the queue never filled");
    }
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_millis(400))
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    drop(listener);
    assert_eq!(
        e.outcome(),
        Outcome::NotSent,
        "never connected, yet reported {:?}: {e:?}",
        e.outcome()
    );
}
