//! Runs every language-neutral scenario of `tests/scenarios/*.json` against an in-process
//! sandbox, through the public `p100::Client` — the reference runner of the format described in
//! `tests/scenarios/README.md`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use p100::models::*;
use p100::webhooks::Verifier;
use p100::Client;
use p100_sandbox::{RunningSandbox, Sandbox};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario files found");
    for f in files {
        run_scenario(&f).await;
    }
}

/// What a step produced: the result JSON, or the error as JSON.
type Outcome = Result<Value, Value>;

struct Runner {
    sandbox: RunningSandbox,
    client: Client,
    http: reqwest::Client,
    vars: HashMap<String, Value>,
    /// The SDK error of the last operation step, for `expect.error.reconcile`.
    last_error: std::sync::Mutex<Option<p100::Error>>,
}

async fn run_scenario(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).expect("scenario readable");
    let doc: Value = serde_json::from_str(&text).expect("scenario is JSON");
    assert_eq!(doc["format"], "p100-scenario/1", "{}", path.display());
    let settle = doc["sandbox"]["settleMs"].as_u64().unwrap_or(100);
    let scale = doc["sandbox"]["timeScale"].as_f64().unwrap_or(1.0);
    let sandbox = Sandbox::builder()
        .api_key(format!("scenario-key-{}", fastrand::u32(..)))
        .settle(Duration::from_millis(settle))
        .time_scale(scale)
        .start()
        .await
        .expect("sandbox starts");
    let client = sandbox.client();
    let mut vars = HashMap::new();
    vars.insert(
        "run".to_string(),
        json!(format!("{:08x}", fastrand::u32(..))),
    );
    vars.insert("sandboxUrl".to_string(), json!(sandbox.base_url()));
    let mut r = Runner {
        sandbox,
        client,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        vars,
        last_error: std::sync::Mutex::new(None),
    };
    let steps = doc["steps"].as_array().expect("steps");
    let name = doc["name"].as_str().unwrap_or("?");
    let started = Instant::now();
    for (i, step) in steps.iter().enumerate() {
        let label = format!(
            "{name} step {} \"{}\" ({})",
            i + 1,
            step["name"].as_str().unwrap_or("?"),
            step["op"].as_str().unwrap_or("?")
        );
        if let Err(msg) = r.run_step(step).await {
            panic!("{label} failed: {msg}");
        }
    }
    let cells = steps.iter().filter(|s| s.get("cell").is_some()).count();
    println!(
        "scenario {name}: {} steps passed{} in {:.1} s",
        steps.len(),
        if cells > 0 {
            format!(", {cells} matrix cells")
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    );
    r.sandbox.shutdown().await;
}

impl Runner {
    fn fill(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => {
                if let Some(name) = s.strip_prefix("{{").and_then(|x| x.strip_suffix("}}")) {
                    if !name.contains("{{") {
                        if let Some(val) = self.vars.get(name) {
                            return val.clone();
                        }
                    }
                }
                let mut out = s.clone();
                for (k, val) in &self.vars {
                    let pat = format!("{{{{{k}}}}}");
                    if out.contains(&pat) {
                        let text = match val {
                            Value::String(t) => t.clone(),
                            other => other.to_string(),
                        };
                        out = out.replace(&pat, &text);
                    }
                }
                Value::String(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.fill(x)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, x)| (k.clone(), self.fill(x))).collect())
            }
            other => other.clone(),
        }
    }

    async fn run_step(&mut self, step: &Value) -> Result<(), String> {
        let op = step["op"].as_str().ok_or("step without op")?.to_string();
        let input = self.fill(step.get("input").unwrap_or(&json!({})));
        let client = match step.get("client") {
            Some(settings) => self.client_with(&self.fill(settings))?,
            None => self.client.clone(),
        };
        let outcome = match step.get("poll") {
            None => self.exec(&client, &op, &input).await,
            Some(poll) => {
                let poll = self.fill(poll);
                let timeout = Duration::from_millis(poll["timeoutMs"].as_u64().unwrap_or(10_000));
                let every = Duration::from_millis(poll["intervalMs"].as_u64().unwrap_or(50));
                let until = poll["until"].as_object().cloned().unwrap_or_default();
                let start = Instant::now();
                loop {
                    let o = self.exec(&client, &op, &input).await;
                    let done = match &o {
                        Ok(v) => until.iter().all(|(p, m)| matches(resolve(v, p), m).is_ok()),
                        Err(_) => false,
                    };
                    if done {
                        break o;
                    }
                    if start.elapsed() > timeout {
                        return Err(format!(
                            "poll timed out after {timeout:?}; last outcome: {}",
                            show(&o)
                        ));
                    }
                    tokio::time::sleep(every).await;
                }
            }
        };
        if let Some(expect) = step.get("expect") {
            let expect = self.fill(expect);
            check_expect(&outcome, &expect)?;
            if let Some(want) = expect.pointer("/error/reconcile") {
                let error = self
                    .last_error
                    .lock()
                    .unwrap()
                    .take()
                    .ok_or("reconcile: the step's error is not an SDK error")?;
                let got = client
                    .reconcile(&error)
                    .await
                    .map_err(|e| format!("reconcile failed: {e}"))?;
                if want.as_str() != Some(got.as_str()) {
                    return Err(format!("reconcile: expected {want}, got {got:?}"));
                }
            }
        } else if let Err(e) = &outcome {
            return Err(format!("unexpected error {e}"));
        }
        if let (Some(save), Ok(v)) = (step.get("save").and_then(Value::as_object), &outcome) {
            for (var, path) in save {
                let p = path.as_str().ok_or("save path must be a string")?;
                let val = resolve(v, p).ok_or_else(|| format!("save: {p} not found in {v}"))?;
                self.vars.insert(var.clone(), val.clone());
            }
        }
        Ok(())
    }

    /// A client with a step's `client` settings (`apiKey`, `baseUrl`, `timeoutMs`,
    /// `connectTimeoutMs`, `maxRetries`) over the defaults.
    fn client_with(&self, settings: &Value) -> Result<Client, String> {
        let mut b = self.sandbox.client_builder();
        if let Some(k) = settings["apiKey"].as_str() {
            b = b.api_key(k.to_string());
        }
        if let Some(u) = settings["baseUrl"].as_str() {
            b = b.base_url(u.to_string());
        }
        if let Some(ms) = settings["timeoutMs"].as_u64() {
            b = b.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = settings["connectTimeoutMs"].as_u64() {
            b = b.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(n) = settings["maxRetries"].as_u64() {
            b = b.max_retries(n as u32);
        }
        b.build().map_err(|e| e.to_string())
    }

    async fn exec(&self, client: &Client, op: &str, input: &Value) -> Outcome {
        match op {
            "sleep" => {
                tokio::time::sleep(Duration::from_millis(input["ms"].as_u64().unwrap_or(0))).await;
                Ok(Value::Null)
            }
            "http" => Ok(self.http_call(input).await),
            "webhooks.parse" => {
                let body = match &input["body"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let verifier = Verifier::new(input["token"].as_str().unwrap_or_default())
                    .map_err(|e| err_json(&e))?;
                verifier
                    .verify_and_parse(input["authorization"].as_str(), &body)
                    .map(|ev| serde_json::to_value(&ev).unwrap())
                    .map_err(|e| err_json(&e))
            }
            "_sandbox.faults.list" => self.control("GET", "/_sandbox/faults", None).await,
            "_sandbox.ops" => self.control("GET", "/_sandbox/ops", None).await,
            "_sandbox.ops.reset" => self.control("DELETE", "/_sandbox/ops", None).await,
            "_sandbox.deliveries" => {
                self.control("GET", "/_sandbox/webhooks/deliveries", None)
                    .await
            }
            o if o.starts_with("_sandbox.") => {
                let path = format!("/_sandbox/{}", &o["_sandbox.".len()..]);
                self.control("POST", &path, Some(input)).await
            }
            _ => call(client, op, input).await.map_err(|e| {
                let j = err_json(&e);
                *self.last_error.lock().unwrap() = Some(e);
                j
            }),
        }
    }

    async fn http_call(&self, input: &Value) -> Value {
        let url = format!(
            "{}{}",
            self.sandbox.base_url(),
            input["path"].as_str().unwrap_or("/")
        );
        let method = reqwest::Method::from_str(input["method"].as_str().unwrap_or("GET")).unwrap();
        let mut req = self.http.request(method, url);
        if let Some(h) = input["headers"].as_object() {
            for (k, v) in h {
                req = req.header(k, v.as_str().unwrap_or_default());
            }
        }
        if let Some(b) = input.get("body") {
            req = req.json(b);
        }
        let resp = req.send().await.expect("sandbox reachable");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        json!({ "status": status, "body": body })
    }

    async fn control(&self, method: &str, path: &str, body: Option<&Value>) -> Outcome {
        let url = format!("{}{path}", self.sandbox.base_url());
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(body.unwrap_or(&json!({}))),
        };
        let resp = req
            .send()
            .await
            .map_err(|e| json!({ "kind": "sandbox", "message": e.to_string() }))?;
        let status = resp.status().as_u16();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            Ok(v)
        } else {
            Err(json!({ "kind": "sandbox", "status": status, "message": v.to_string() }))
        }
    }
}

fn show(o: &Outcome) -> String {
    match o {
        Ok(v) => format!("ok {v}"),
        Err(e) => format!("error {e}"),
    }
}

fn err_json(e: &p100::Error) -> Value {
    json!({
        "kind": e.kind().as_str(),
        "code": e.code().map(|c| c.as_str().to_string()),
        "status": e.status(),
        "field": e.field(),
        "errorName": e.error_name(),
        "retryable": e.is_retryable(),
        "message": e.to_string(),
        "outcome": e.outcome().as_str(),
        "accepted": e.accepted(),
        "debug": format!("{e:?}"),
        "rawBody": e.raw_body(),
    })
}

fn check_expect(outcome: &Outcome, expect: &Value) -> Result<(), String> {
    if let Some(want) = expect.get("error") {
        let got = match outcome {
            Err(e) => e,
            Ok(v) => return Err(format!("expected an error {want}, got ok {v}")),
        };
        for (k, m) in want
            .as_object()
            .ok_or("error expectation must be an object")?
        {
            if k == "reconcile" {
                continue; // checked by run_step, which has the client
            }
            if k == "noSecrets" {
                let secrets = m.as_array().ok_or("noSecrets must be a list")?;
                for place in ["message", "debug", "rawBody"] {
                    let text = got[place].as_str().unwrap_or_default();
                    for secret in secrets.iter().filter_map(Value::as_str) {
                        if text.contains(secret) {
                            return Err(format!("secret {secret:?} leaked in the error's {place}"));
                        }
                    }
                }
                continue;
            }
            if k == "messageContains" {
                let msg = got["message"].as_str().unwrap_or_default();
                let needle = m.as_str().unwrap_or_default();
                if !msg.contains(needle) {
                    return Err(format!("error message {msg:?} does not contain {needle:?}"));
                }
                continue;
            }
            matches(got.get(k), m).map_err(|e| format!("error.{k}: {e} (error was {got})"))?;
        }
        return Ok(());
    }
    let v = match outcome {
        Ok(v) => v,
        Err(e) => return Err(format!("expected success, got error {e}")),
    };
    if let Some(fields) = expect.get("fields").and_then(Value::as_object) {
        for (p, m) in fields {
            matches(resolve(v, p), m).map_err(|e| format!("{p}: {e} (result was {v})"))?;
        }
    }
    Ok(())
}

/// Resolves `a.b[0].c[key=value]` in `v`; `None` when a segment is missing.
fn resolve<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path.split('.') {
        let (name, sel) = match seg.find('[') {
            Some(i) if seg.ends_with(']') => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
            _ => (seg, None),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        if let Some(sel) = sel {
            let list = cur.as_array()?;
            cur = match sel.split_once('=') {
                None => list.get(sel.parse::<usize>().ok()?)?,
                Some((k, want)) => list.iter().find(|x| match x.get(k) {
                    Some(Value::String(s)) => s == want,
                    Some(other) => {
                        let text = other.to_string();
                        text == want
                    }
                    None => false,
                })?,
            };
        }
    }
    Some(cur)
}

fn as_dec(v: &Value) -> Option<Decimal> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || ".-+eE".contains(c)) {
        return None;
    }
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .ok()
}

fn equal(a: &Value, b: &Value) -> bool {
    match (as_dec(a), as_dec(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Checks one matcher (see the README's "Matchers").
fn matches(actual: Option<&Value>, m: &Value) -> Result<(), String> {
    if let Some(obj) = m.as_object() {
        if let Some(e) = obj.get("exists") {
            let exists = actual.is_some_and(|a| !a.is_null());
            return if Some(exists) == e.as_bool() {
                Ok(())
            } else {
                Err(format!("exists is {exists}, expected {e}"))
            };
        }
        if let Some(list) = obj.get("oneOf").and_then(Value::as_array) {
            let a = actual.ok_or("undefined")?;
            return if list.iter().any(|x| equal(a, x)) {
                Ok(())
            } else {
                Err(format!("{a} is not one of {m}"))
            };
        }
        if let Some(lim) = obj.get("gt") {
            let a = actual.ok_or("undefined")?;
            return match (as_dec(a), as_dec(lim)) {
                (Some(x), Some(y)) if x > y => Ok(()),
                _ => Err(format!("{a} is not greater than {lim}")),
            };
        }
        if let Some(n) = obj.get("length").and_then(Value::as_u64) {
            let a = actual.ok_or("undefined")?;
            let len = match a {
                Value::Array(x) => x.len(),
                Value::String(s) => s.chars().count(),
                _ => return Err(format!("{a} has no length")),
            };
            return if len as u64 == n {
                Ok(())
            } else {
                Err(format!("length {len}, expected {n}"))
            };
        }
    }
    let a = actual.ok_or_else(|| format!("undefined, expected {m}"))?;
    if equal(a, m) {
        Ok(())
    } else {
        Err(format!("{a} != expected {m}"))
    }
}

// ---- operation name → client call --------------------------------------------------------

/// The request of a step, decoded as every binding decodes host values
/// (`p100::input::decode`: unknown fields and fractional amounts refused, wire paths
/// in errors), without the keys that are not request fields (path ids, upload files).
fn arg<T: DeserializeOwned>(input: &Value, not_fields: &[&str]) -> p100::Result<T> {
    let mut fields = input.clone();
    if let Some(map) = fields.as_object_mut() {
        for key in not_fields {
            map.remove(*key);
        }
    }
    p100::input::decode(&fields, "request")
}

fn s<'a>(input: &'a Value, key: &str) -> &'a str {
    input[key]
        .as_str()
        .unwrap_or_else(|| panic!("scenario input lacks {key}: {input}"))
}

fn out<T: serde::Serialize>(r: p100::Result<T>) -> p100::Result<Value> {
    r.map(|v| serde_json::to_value(&v).expect("responses serialize"))
}

fn files(input: &Value) -> Vec<FileUpload> {
    input["files"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|f| {
                    let size = f["size"].as_u64().unwrap_or(1000) as usize;
                    let mut data: Vec<u8> = match f["kind"].as_str().unwrap_or("png") {
                        "png" => vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
                        "jpeg" | "jpg" => vec![0xFF, 0xD8, 0xFF, 0xE0],
                        "pdf" => b"%PDF-1.7\n".to_vec(),
                        _ => Vec::new(),
                    };
                    let fill = if data.is_empty() { b'a' } else { 0 };
                    data.resize(size.max(data.len()), fill);
                    FileUpload::new(f["fileName"].as_str().unwrap_or("file"), data)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `call(client, "sepa.partner_transfer", input)`: every operation of the core's table, by its
/// manifest name; ids and request fields come from the flat scenario input. Generated from
/// `p100::for_each_operation!`, so the runner has no operation list of its own.
macro_rules! runner {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wait:tt)*) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {
        async fn call(c: &Client, op: &str, i: &Value) -> p100::Result<Value> {
            if op == "request" {
                return c
                    .request(
                        i["method"].as_str().unwrap_or("GET"),
                        i["path"].as_str().unwrap_or("/"),
                        i.get("body"),
                    )
                    .await;
            }
            $($(
                if op == p100::routes::$konst.name {
                    return runner!(@call c, i, $group, $op, $shape $(($($idw),+))? $($in)?);
                }
            )+)+
            panic!("the runner does not know operation {op}")
        }
    };
    (@call $c:ident, $i:ident, $g:ident, $o:ident, none) => { out($c.$g().$o().await) };
    (@call $c:ident, $i:ident, $g:ident, $o:ident, ids($($idw:literal),+)) => {
        out($c.$g().$o($(s($i, $idw)),+).await)
    };
    (@call $c:ident, $i:ident, $g:ident, $o:ident, upload $in:ident) => {{
        let mut req: $in = arg($i, &["files"])?;
        req.files = files($i);
        out($c.$g().$o(&req).await)
    }};
    (@call $c:ident, $i:ident, $g:ident, $o:ident, $shape:ident ($($idw:literal),+) $in:ident) => {
        out($c.$g().$o($(s($i, $idw)),+, &arg::<$in>($i, &[$($idw),+])?).await)
    };
    (@call $c:ident, $i:ident, $g:ident, $o:ident, $shape:ident $in:ident) => {
        out($c.$g().$o(&arg::<$in>($i, &[])?).await)
    };
}

p100::for_each_operation!(runner);

/// Every operation of the manifest is the `op` of at least one step of the shared scenarios, so
/// every language's runner calls every operation against the sandbox (adding an operation
/// without its scenario step fails here).
#[test]
fn every_operation_has_a_shared_scenario_step() {
    fn ops_of(v: &Value, out: &mut std::collections::HashSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(op)) = m.get("op") {
                    out.insert(op.clone());
                }
                m.values().for_each(|v| ops_of(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| ops_of(v, out)),
            _ => {}
        }
    }
    let mut used = std::collections::HashSet::new();
    for entry in std::fs::read_dir(scenario_dir()).expect("scenario dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("scenario readable");
            ops_of(
                &serde_json::from_str(&text).expect("scenario JSON"),
                &mut used,
            );
        }
    }
    let missing: Vec<&str> = p100::routes::ALL
        .iter()
        .map(|r| r.name)
        .filter(|name| !used.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a scenario step: {missing:?}"
    );
}

#[tokio::test]
async fn the_runner_maps_every_operation_of_the_manifest() {
    // Every operation of tests/operations.json is callable from a scenario: calling it with an
    // empty input may fail (bad input, no server) but never as an unknown operation.
    let manifest: Value =
        serde_json::from_str(include_str!("../../tests/operations.json")).expect("manifest");
    let client = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:1")
        .max_retries(0)
        .build()
        .expect("client");
    let ops = manifest["operations"].as_array().expect("operations");
    assert_eq!(ops.len(), p100::routes::ALL.len());
    for op in ops {
        let name = op["operation"].as_str().expect("name").to_string();
        let c = client.clone();
        let n = name.clone();
        let run = tokio::spawn(async move {
            let _ = call(&c, &n, &json!({})).await;
        })
        .await;
        if let Err(e) = run {
            let panic = e.into_panic();
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            assert!(
                !msg.contains("does not know operation"),
                "the scenario runner has no mapping for {name}"
            );
        }
    }
}
