//! Every injectable fault, seen on the wire: a raw TCP client (what exactly the server sends,
//! and whether it closes the connection) or reqwest (what an ordinary HTTP client makes of
//! it), with `GET /_sandbox/ops` telling whether the operation ran.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use p100::models::*;
use p100::{Client, SecretString};
use p100_sandbox::{FaultSpec, RunningSandbox, Sandbox};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "fault-key";
const SEPA: &str = "sepa.partner_transfer";
const SEPA_PATH: &str = "/v1/partner/sepa-transfer";
const BALANCES: &str = "partner.balances";
const BALANCES_PATH: &str = "/v1/partner/balances";

async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .api_key(KEY)
        .settle(Duration::from_millis(50))
        .start()
        .await
        .unwrap()
}

/// A documented partner SEPA transfer of 10.00 EUR (+ 1.00 EUR fee), as wire JSON.
fn sepa_body() -> Value {
    json!({
        "amount": "10.00",
        "currency": "eur",
        "destinationIban": "DE89370400440532013000",
        "transferTitle": "fault test",
    })
}

type Headers = Vec<(String, String)>;

/// What came over one connection.
#[derive(Debug)]
struct Wire {
    /// Status line and headers; `None` when the connection ended before a full head.
    status: Option<u16>,
    headers: Headers,
    /// Body bytes received (not decoded: every reply here has a Content-Length).
    body: Vec<u8>,
    /// All bytes received, head included.
    received: usize,
    /// The server closed the connection (EOF or reset) before the reader was done.
    closed: bool,
    /// When the head was complete, and when the reader stopped, from sending the request.
    head_after: Option<Duration>,
    done_after: Duration,
}

impl Wire {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> Option<usize> {
        self.header("content-length").map(|v| v.parse().unwrap())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one HTTP/1.1 request (keep-alive, so only a fault closes the connection) and reads
/// until the announced body is complete, the server closes, or 20 s pass.
async fn wire(sb: &RunningSandbox, method: &str, path: &str, body: Option<&Value>) -> Wire {
    let mut s = TcpStream::connect(sb.addr()).await.unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nx-api-key: {KEY}\r\nAccept: application/json\r\n",
        sb.addr()
    );
    if body.is_some() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!(
        "Content-Length: {}\r\n\r\n{payload}",
        payload.len()
    ));
    let started = Instant::now();
    s.write_all(req.as_bytes()).await.unwrap();

    let mut buf = Vec::new();
    // (where the body starts, status, headers)
    let mut head: Option<(usize, u16, Headers)> = None;
    let mut head_after = None;
    let mut closed = false;
    let mut chunk = vec![0u8; 256 * 1024];
    let deadline = started + Duration::from_secs(20);
    loop {
        if let Some((end, _, headers)) = &head {
            let cl = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse::<usize>().unwrap())
                .expect("every reply here announces its length");
            if buf.len() - end >= cl {
                break;
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut chunk)).await {
            Err(_) => panic!("{method} {path}: no end after 20 s ({} bytes)", buf.len()),
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
        if head.is_none() {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let text = String::from_utf8_lossy(&buf[..i]).into_owned();
                let mut lines = text.split("\r\n");
                let status_line = lines.next().unwrap();
                let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
                let headers = lines
                    .map(|l| {
                        let (k, v) = l.split_once(':').unwrap();
                        (k.trim().to_string(), v.trim().to_string())
                    })
                    .collect();
                head = Some((i + 4, status, headers));
                head_after = Some(started.elapsed());
            }
        }
    }
    let done_after = started.elapsed();
    let received = buf.len();
    match head {
        Some((end, status, headers)) => Wire {
            status: Some(status),
            headers,
            body: buf[end..].to_vec(),
            received,
            closed,
            head_after,
            done_after,
        },
        None => Wire {
            status: None,
            headers: Vec::new(),
            body: buf,
            received,
            closed,
            head_after,
            done_after,
        },
    }
}

async fn control(sb: &RunningSandbox, method: &str, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", sb.base_url());
    let mut r = match method {
        "GET" => http.get(url),
        "POST" => http.post(url),
        "DELETE" => http.delete(url),
        other => panic!("{other}"),
    };
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap().json().await.unwrap()
}

/// `POST /_sandbox/faults`, expecting success.
async fn fault(sb: &RunningSandbox, spec: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sb.base_url()))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{spec}: {}", r.text().await.unwrap());
}

/// `GET /_sandbox/ops` → how many times `op` ran.
async fn executed(sb: &RunningSandbox, op: &str) -> u64 {
    let v = control(sb, "GET", "/_sandbox/ops", None).await;
    let n = v["ops"][op]
        .as_u64()
        .unwrap_or_else(|| panic!("{op} missing: {v}"));
    // The Rust API says the same.
    assert_eq!(sb.ops()[op], n);
    n
}

/// The partner's EUR amount, as the sandbox renders it.
async fn partner_eur(sb: &RunningSandbox) -> String {
    let w = wire(sb, "GET", BALANCES_PATH, None).await;
    let v = w.json();
    v["fiatBalances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "eur")
        .unwrap()["amount"]
        .as_str()
        .unwrap()
        .to_string()
}

// ---- the operation counter ------------------------------------------------------------------

#[tokio::test]
async fn ops_counts_what_reached_the_handler() {
    // The paths used here are the route table's.
    for (name, path) in [(SEPA, SEPA_PATH), (BALANCES, BALANCES_PATH)] {
        assert_eq!(p100::routes::by_name(name).unwrap().path, path);
    }
    let sb = sandbox().await;
    let v = control(&sb, "GET", "/_sandbox/ops", None).await;
    // Every operation of the route table is listed, at zero.
    let ops = v["ops"].as_object().unwrap();
    assert_eq!(ops.len(), p100::routes::ALL.len());
    assert!(ops.values().all(|n| n == 0), "{v}");
    assert_eq!(v["succeeded"].as_object().unwrap().len(), ops.len());

    wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(executed(&sb, BALANCES).await, 1);

    // Refused before the handler: wrong key, unknown path — not counted.
    let r = reqwest::Client::new()
        .get(format!("{}{BALANCES_PATH}", sb.base_url()))
        .header("x-api-key", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    wire(&sb, "GET", "/v1/no/such/path", None).await;
    assert_eq!(executed(&sb, BALANCES).await, 1);

    // A business error still ran the handler: counted in ops, not in succeeded.
    let w = wire(&sb, "GET", "/v1/user/nobody/balances", None).await;
    assert_eq!(w.status, Some(400), "{}", w.text());
    assert_eq!(w.json()["errorCode"], "P412");
    let v = control(&sb, "GET", "/_sandbox/ops", None).await;
    assert_eq!(v["ops"]["users.balances"], 1);
    assert_eq!(v["succeeded"]["users.balances"], 0);
    assert_eq!(v["succeeded"][BALANCES], 1);
    assert_eq!(sb.ops_succeeded()["users.balances"], 0);

    // DELETE zeroes the counters only; reset zeroes them too.
    let v = control(&sb, "DELETE", "/_sandbox/ops", None).await;
    assert_eq!(v["ops"][BALANCES], 0);
    wire(&sb, "GET", BALANCES_PATH, None).await;
    sb.reset();
    assert!(sb.ops().values().all(|n| *n == 0));
    wire(&sb, "GET", BALANCES_PATH, None).await;
    control(&sb, "POST", "/_sandbox/reset", None).await;
    assert_eq!(executed(&sb, BALANCES).await, 0);
    sb.shutdown().await;
}

// ---- refused before anything runs -----------------------------------------------------------

#[tokio::test]
async fn refusals_leave_the_operation_unexecuted() {
    let sb = sandbox().await;
    let body = sepa_body();
    let before = partner_eur(&sb).await;

    // 429, seconds.
    fault(&sb, json!({"kind": "429", "retryAfter": 2})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(429));
    assert_eq!(w.header("retry-after"), Some("2"));
    assert!(!w.closed);

    // 429, an HTTP date (IMF-fixdate) at least retryAfter seconds ahead.
    fault(&sb, json!({"kind": "retry-after-date", "retryAfter": 30})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(429));
    let date = w.header("retry-after").unwrap().to_string();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let at = imf_fixdate(&date);
    assert!(
        (now + 29..=now + 32).contains(&at),
        "{date} is {} s ahead",
        at - now
    );
    // The default is 1 s ahead — still in the future when it arrives.
    fault(&sb, json!({"kind": "retry-after-date"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    let date = w.header("retry-after").unwrap().to_string();
    let at = imf_fixdate(&date);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(at as f64 > now, "{date} is not in the future");
    assert!((at as f64) < now + 3.0, "{date}");

    // 500 (P500), 503 (P501).
    fault(&sb, json!({"kind": "500"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(500));
    assert_eq!(w.json()["errorCode"], "P500");
    fault(&sb, json!({"kind": "503", "retryAfter": 4})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(503));
    assert_eq!(w.json()["errorCode"], "P501");
    assert_eq!(w.header("retry-after"), Some("4"));

    // 5xx with a P-code: 502 by default, no Retry-After; any 5xx and a Retry-After on request.
    fault(&sb, json!({"kind": "5xx-with-code"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(502));
    let v = w.json();
    assert_eq!(v["errorCode"], "P500");
    assert_eq!(v["errorName"], "unknown-exception");
    assert!(v["errorMessage"].as_str().unwrap().len() > 5);
    assert_eq!(w.header("retry-after"), None);
    assert_eq!(w.header("content-type"), Some("application/json"));
    fault(
        &sb,
        json!({"kind": "5xx-with-code", "status": 504, "retryAfter": 7}),
    )
    .await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(504));
    assert_eq!(w.json()["errorCode"], "P500");
    assert_eq!(w.header("retry-after"), Some("7"));

    // drop: the connection closes without a single byte.
    fault(&sb, json!({"kind": "drop"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, None);
    assert_eq!(w.received, 0);
    assert!(w.closed);

    // None of them ran the transfer; nothing moved.
    assert_eq!(executed(&sb, SEPA).await, 0);
    assert_eq!(partner_eur(&sb).await, before);
    // The next request is served normally and runs once.
    let w = wire(&sb, "POST", SEPA_PATH, Some(&body)).await;
    assert_eq!(w.status, Some(201), "{}", w.text());
    assert_eq!(executed(&sb, SEPA).await, 1);
    sb.shutdown().await;
}

/// Parses an IMF-fixdate strictly (`Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds.
fn imf_fixdate(s: &str) -> i64 {
    assert_eq!(s.len(), 29, "{s:?} is not an IMF-fixdate");
    let b = s.as_bytes();
    assert_eq!(&s[3..5], ", ", "{s:?}");
    assert!(s.ends_with(" GMT"), "{s:?}");
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    assert!(days.contains(&&s[..3]), "{s:?}");
    assert!(months.contains(&&s[8..11]), "{s:?}");
    assert!(b[7] == b' ' && b[11] == b' ' && b[16] == b' ' && b[19] == b':' && b[22] == b':');
    // An independent parser agrees (RFC 2822 accepts the GMT form), weekday included.
    chrono::DateTime::parse_from_rfc2822(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .timestamp()
}

// ---- processed, then a broken reply ---------------------------------------------------------

#[tokio::test]
async fn process_then_drop_runs_the_operation_and_sends_nothing() {
    let sb = sandbox().await;
    fault(&sb, json!({"kind": "process-then-drop"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, None);
    assert_eq!(w.received, 0, "no reply byte at all");
    assert!(w.closed);
    assert_eq!(executed(&sb, SEPA).await, 1);
    // The money moved: 10.00 + 1.00 fee are reserved.
    assert_eq!(partner_eur(&sb).await, "99989.00");
    // An ordinary client sees a connection error, no status.
    fault(&sb, json!({"kind": "process-then-drop"})).await;
    let e = reqwest::Client::new()
        .post(format!("{}{SEPA_PATH}", sb.base_url()))
        .header("x-api-key", KEY)
        .json(&sepa_body())
        .send()
        .await
        .unwrap_err();
    assert!(e.status().is_none(), "{e:?}");
    assert_eq!(executed(&sb, SEPA).await, 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn cut_body_sends_the_real_head_then_half_the_body_and_closes() {
    let sb = sandbox().await;
    fault(&sb, json!({"kind": "cut-body"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201), "the real status");
    assert_eq!(w.header("content-type"), Some("application/json"));
    let announced = w.content_length().unwrap();
    assert!(w.closed, "the server closes the connection");
    assert!(!w.body.is_empty(), "part of the body arrives");
    assert!(
        w.body.len() < announced,
        "{} of {announced} bytes",
        w.body.len()
    );
    // About half of the real reply `{"transferId":"<uuid>"}`.
    assert!(w.text().starts_with("{\"transferId\":\""), "{}", w.text());
    assert_eq!(w.body.len(), announced / 2);
    assert_eq!(executed(&sb, SEPA).await, 1);
    assert_eq!(partner_eur(&sb).await, "99989.00");

    // reqwest: the status and headers arrive, reading the body fails.
    fault(&sb, json!({"kind": "cut-body"})).await;
    let r = reqwest::Client::new()
        .post(format!("{}{SEPA_PATH}", sb.base_url()))
        .header("x-api-key", KEY)
        .json(&sepa_body())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert!(r.bytes().await.is_err());
    assert_eq!(executed(&sb, SEPA).await, 2);

    // The connection after a cut body is a fresh one and works.
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.status, Some(200));
    sb.shutdown().await;
}

#[tokio::test]
async fn slow_body_sends_the_head_at_once_and_trickles_the_body() {
    let sb = sandbox().await;
    let normal = wire(&sb, "GET", BALANCES_PATH, None).await.json();
    fault(&sb, json!({"kind": "slow-body", "delayMs": 1200})).await;
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.status, Some(200));
    let head = w.head_after.unwrap();
    assert!(head < Duration::from_millis(400), "head after {head:?}");
    assert!(
        w.done_after >= Duration::from_millis(1100),
        "body done after {:?}",
        w.done_after
    );
    assert!(!w.closed);
    assert_eq!(w.content_length(), Some(w.body.len()));
    assert_eq!(w.json(), normal, "the body is complete and real");
    assert_eq!(executed(&sb, BALANCES).await, 2);

    // A client with a short timeout gets the head, then times out reading the body.
    fault(&sb, json!({"kind": "slow-body"})).await; // default 2000 ms
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let t = Instant::now();
    let r = quick
        .get(format!("{}{BALANCES_PATH}", sb.base_url()))
        .header("x-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let e = r.bytes().await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(t.elapsed() < Duration::from_millis(1500));
    assert_eq!(executed(&sb, BALANCES).await, 3);
    sb.shutdown().await;
}

#[tokio::test]
async fn huge_body_is_streamed_at_the_size_asked() {
    let sb = sandbox().await;
    // Default: 20 MiB exactly, counted as it streams.
    fault(&sb, json!({"kind": "huge-body"})).await;
    let mut r = reqwest::Client::new()
        .post(format!("{}{SEPA_PATH}", sb.base_url()))
        .header("x-api-key", KEY)
        .json(&sepa_body())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.content_length(), Some(20 * 1024 * 1024));
    let mut total = 0usize;
    let mut first = Vec::new();
    while let Some(chunk) = r.chunk().await.unwrap() {
        if first.len() < 64 {
            first.extend_from_slice(&chunk[..chunk.len().min(64)]);
        }
        total += chunk.len();
    }
    assert_eq!(total, 20 * 1024 * 1024);
    assert!(first.starts_with(br#"{"padding":"xxxx"#));
    assert_eq!(executed(&sb, SEPA).await, 1);

    // Any size: valid JSON, the padding plus the real reply's fields.
    fault(&sb, json!({"kind": "huge-body", "sizeBytes": 3_000_000})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201));
    assert_eq!(w.body.len(), 3_000_000);
    assert_eq!(w.content_length(), Some(3_000_000));
    let v = w.json();
    assert!(
        v["transferId"].as_str().unwrap().len() >= 32,
        "{}",
        v["transferId"]
    );
    assert!(v["padding"].as_str().unwrap().len() > 2_999_000);
    assert_eq!(executed(&sb, SEPA).await, 2);

    // Through the Rust API.
    sb.inject(FaultSpec::new("huge-body").size_bytes(100_000))
        .unwrap();
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.body.len(), 100_000);
    assert!(w.json()["fiatBalances"].is_array());
    sb.shutdown().await;
}

#[tokio::test]
async fn wrong_shape_is_valid_json_with_the_real_status() {
    let sb = sandbox().await;
    fault(&sb, json!({"kind": "wrong-shape", "count": 2})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201));
    assert_eq!(w.json(), json!({"unexpected": true}));
    assert!(!w.closed);
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.status, Some(200));
    assert_eq!(w.json(), json!({"unexpected": true}));
    assert_eq!(executed(&sb, SEPA).await, 1);
    assert_eq!(executed(&sb, BALANCES).await, 1);
    assert_eq!(partner_eur(&sb).await, "99989.00");
    sb.shutdown().await;
}

/// Through the client, a reply of the wrong shape is a `Decode` error, never an empty reply:
/// the balances read `{"unexpected": true}` as "no balance at all".
#[tokio::test]
async fn wrong_shape_balances_are_a_decode_error_not_zero_balances() {
    let sb = sandbox().await;
    let c = sb.client();
    fault(
        &sb,
        json!({"kind": "wrong-shape", "operation": "partner.balances"}),
    )
    .await;
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), p100::ErrorKind::Decode, "{e}");
    assert!(
        e.to_string().contains("missing field `fiatBalances`"),
        "{e}"
    );
    // The next reply is the real one.
    assert!(!c
        .partner()
        .balances()
        .await
        .unwrap()
        .fiat_balances
        .is_empty());
    sb.shutdown().await;
}

/// A verified KYC user with one card; its id, number and CVV (typed calls for the set-up).
async fn card(sb: &RunningSandbox, c: &Client, user: &str) -> (String, String, String) {
    c.users()
        .create(&CreateUserRequest {
            external_user_id: user.into(),
            email: "jan.kowalski@example.pl".into(),
            phone: "486012334567".into(),
            first_name: "Jan".into(),
            last_name: "Kowalski".into(),
            city: "Warszawa".into(),
            post_code: "00-001".into(),
            country: "PL".into(),
            citizenship: "PL".into(),
            has_accepted_p100_tc: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let png = {
        let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        v.resize(1024, 0);
        v
    };
    c.kyc()
        .upload_files(&KycFilesRequest {
            external_user_id: user.into(),
            document_type: DocumentType::IdCard,
            files: vec![
                FileUpload::new("front.png", png.clone()),
                FileUpload::new("back.png", png.clone()),
                FileUpload::new("selfie.png", png),
            ],
        })
        .await
        .unwrap();
    c.kyc()
        .add_verification(&UserVerificationRequest {
            external_user_id: user.into(),
            document_type: Some(DocumentType::IdCard),
            document_number: Some(SecretString::new("CEV12630")),
            document_country: Some("PL".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let w = wire(
        sb,
        "POST",
        "/v1/card/virtual",
        Some(&json!({"externalUserId": user, "label": "Shopping", "pin": "5813"})),
    )
    .await;
    assert_eq!(w.status, Some(200), "{}", w.text());
    let v = w.json();
    (
        v["cardId"].as_str().unwrap().to_string(),
        v["cardNumber"].as_str().unwrap().to_string(),
        v["cvv"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn malformed_is_the_real_reply_with_trailing_garbage() {
    let sb = sandbox().await;
    let c = sb.client();
    let (card_id, pan, cvv) = card(&sb, &c, "mal-1").await;
    let path = format!("/v1/card/details/mal-1/{card_id}");
    fault(
        &sb,
        json!({"kind": "malformed", "operation": "cards.details"}),
    )
    .await;
    let w = wire(&sb, "GET", &path, None).await;
    assert_eq!(w.status, Some(200));
    assert_eq!(w.header("content-type"), Some("application/json"));
    let text = w.text();
    assert!(serde_json::from_slice::<Value>(&w.body).is_err(), "{text}");
    // The secrets are inside the unparseable body: exactly the real reply, then garbage.
    let real = text.strip_suffix(" trailing").expect("trailing garbage");
    let v: Value = serde_json::from_str(real).unwrap();
    assert_eq!(v["cardNumber"], pan.as_str());
    assert_eq!(v["cvv"], cvv.as_str());
    assert!(text.contains(&pan) && text.contains(&cvv));
    assert_eq!(executed(&sb, "cards.details").await, 1);

    // On a money call: processed.
    fault(&sb, json!({"kind": "malformed"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(200));
    assert!(w.text().starts_with("{\"transferId\":") && w.text().ends_with("} trailing"));
    assert_eq!(executed(&sb, SEPA).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn duplicate_keys_repeat_secrets_with_null() {
    let sb = sandbox().await;
    let c = sb.client();
    let (card_id, pan, cvv) = card(&sb, &c, "dup-1").await;
    let path = format!("/v1/card/details/dup-1/{card_id}");
    fault(&sb, json!({"kind": "duplicate-keys"})).await;
    let w = wire(&sb, "GET", &path, None).await;
    assert_eq!(w.status, Some(200));
    let text = w.text();
    assert!(
        text.contains(&format!(r#""cardNumber":"{pan}","cardNumber":null"#)),
        "{text}"
    );
    assert!(
        text.contains(&format!(r#""cvv":"{cvv}","cvv":null"#)),
        "{text}"
    );
    assert!(!text.contains(r#""cardId":null"#), "{text}");
    // Valid JSON for a lenient parser (the last value wins)…
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["cvv"], Value::Null);
    assert_eq!(v["cardId"], card_id.as_str());
    // …and a duplicate field for a strict one.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Strict {
        cvv: Option<String>,
    }
    let e = serde_json::from_str::<Strict>(&text).unwrap_err();
    assert!(e.to_string().contains("duplicate field"), "{e}");
    assert_eq!(executed(&sb, "cards.details").await, 1);

    // A reply without secrets: its first key is repeated.
    fault(&sb, json!({"kind": "duplicate-keys"})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201));
    let text = w.text();
    assert!(
        text.starts_with("{\"transferId\":\"") && text.ends_with(",\"transferId\":null}"),
        "{text}"
    );
    assert_eq!(executed(&sb, SEPA).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn delay_holds_the_reply_then_processes() {
    let sb = sandbox().await;
    fault(&sb, json!({"kind": "delay", "delayMs": 300})).await;
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201));
    assert!(w.head_after.unwrap() >= Duration::from_millis(290));
    assert_eq!(executed(&sb, SEPA).await, 1);
    sb.shutdown().await;
}

// ---- targeting and validation ---------------------------------------------------------------

#[tokio::test]
async fn a_fault_for_one_operation_leaves_the_others_alone() {
    let sb = sandbox().await;
    fault(&sb, json!({"kind": "cut-body", "operation": SEPA})).await;
    // Other operations pass untouched and do not use it up.
    for _ in 0..3 {
        let w = wire(&sb, "GET", BALANCES_PATH, None).await;
        assert_eq!(w.status, Some(200));
        assert!(!w.closed);
        w.json();
    }
    let v = control(&sb, "GET", "/_sandbox/faults", None).await;
    assert_eq!(v["faults"][0]["kind"], "cut-body");
    assert_eq!(v["faults"][0]["operation"], SEPA);
    assert_eq!(v["faults"][0]["remaining"], 1);
    assert_eq!(v["faults"][0]["processed"], true);
    // An unfiltered fault queued after it applies to the next request of any other kind.
    fault(&sb, json!({"kind": "500"})).await;
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.status, Some(500));
    // The SEPA transfer takes the older, targeted fault.
    let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
    assert_eq!(w.status, Some(201));
    assert!(w.closed && w.body.len() < w.content_length().unwrap());
    assert_eq!(
        control(&sb, "GET", "/_sandbox/faults", None).await["faults"],
        json!([])
    );
    assert_eq!(executed(&sb, SEPA).await, 1);

    // A targeted refusal does not run the operation; the Rust API takes the same fields.
    sb.inject(
        FaultSpec::new("5xx-with-code")
            .status(503)
            .retry_after(2.0)
            .operation(SEPA)
            .count(2),
    )
    .unwrap();
    wire(&sb, "GET", BALANCES_PATH, None).await;
    for _ in 0..2 {
        let w = wire(&sb, "POST", SEPA_PATH, Some(&sepa_body())).await;
        assert_eq!(w.status, Some(503));
        assert_eq!(w.header("retry-after"), Some("2"));
    }
    assert_eq!(executed(&sb, SEPA).await, 1);
    // The old entry point still works.
    sb.inject_fault("429", 1, Some(3.0), None).unwrap();
    let w = wire(&sb, "GET", BALANCES_PATH, None).await;
    assert_eq!(w.header("retry-after"), Some("3"));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_fault_specs_are_refused_with_a_reason() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let cases = [
        (json!({"kind": "teapot"}), "is not one of"),
        (json!({"kind": true}), "kind must be"),
        (json!({"count": 1}), "kind"),
        (
            json!({"kind": "5xx-with-code", "status": 404}),
            "500 to 599",
        ),
        (
            json!({"kind": "5xx-with-code", "status": 700}),
            "500 to 599",
        ),
        (
            json!({"kind": "cut-body", "status": 502}),
            "status does not apply",
        ),
        (
            json!({"kind": "500", "sizeBytes": 10}),
            "sizeBytes does not apply",
        ),
        (
            json!({"kind": "drop", "retryAfter": 1}),
            "retryAfter does not apply",
        ),
        (
            json!({"kind": "wrong-shape", "delayMs": 10}),
            "delayMs does not apply",
        ),
        (
            json!({"kind": "huge-body", "sizeBytes": 0}),
            "sizeBytes must be",
        ),
        (
            json!({"kind": "huge-body", "sizeBytes": 2_000_000_000u64}),
            "sizeBytes must be",
        ),
        (
            json!({"kind": "huge-body", "sizeBytes": -1}),
            "invalid body",
        ),
        (
            json!({"kind": "slow-body", "delayMs": 600_001}),
            "delayMs must be",
        ),
        (
            json!({"kind": "429", "retryAfter": -1}),
            "retryAfter must be",
        ),
        (
            json!({"kind": "retry-after-date", "retryAfter": 1e12}),
            "at most",
        ),
        (
            json!({"kind": "drop", "operation": "sepa.nope"}),
            "not an operation",
        ),
        (json!({"kind": "drop", "operation": ""}), "not an operation"),
        (json!({"kind": "drop", "sizebytes": 1}), "unknown field"),
        (json!({"kind": "drop", "count": -1}), "invalid body"),
    ];
    for (spec, want) in cases {
        let r = http
            .post(format!("{}/_sandbox/faults", sb.base_url()))
            .json(&spec)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{spec}");
        let v: Value = r.json().await.unwrap();
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(want), "{spec}: {msg}");
    }
    // Nothing was queued.
    assert_eq!(
        control(&sb, "GET", "/_sandbox/faults", None).await["faults"],
        json!([])
    );
    // The Rust API refuses the same way.
    let e = sb
        .inject(FaultSpec::new("5xx-with-code").status(418))
        .unwrap_err();
    assert!(
        e.message().contains("500 to 599") && e.field() == Some("status"),
        "{e}"
    );
    assert!(sb.inject_fault("cut-body", 1, Some(1.0), None).is_err());
    assert!(sb.inject(FaultSpec::new("nope")).is_err());
    sb.shutdown().await;
}
