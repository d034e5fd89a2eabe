//! Finding out after an ambiguous failure: did the money move?
//!
//! P100 has no idempotency keys, and every details endpoint needs an id the caller never got
//! when a call failed with [`Outcome::Unknown`]. So every such error of a money-moving call
//! carries a [`Fingerprint`] of what was sent, and [`Client::reconcile`] looks for a matching
//! operation in the transaction history created after the call was sent.
//!
//! What it can prove: `Found` — an operation of that kind, amount and currency appeared in the
//! history after the call was sent, and only one did; for SEPA transfers, crypto withdrawals,
//! transfers between users and exchanges, whose history entries do not say where the money
//! went, only one whose details (`sepa.details`…, at most 5 read) show the destination (IBAN,
//! address, user, bought currency; and the SEPA title, the crypto network) sent. What it
//! cannot prove: `NotFound` means the history does not show it *yet* (P100 may record it later,
//! so check again after a while before sending again); two equal calls sent close together are
//! indistinguishable, so a second match is `CannotTell`, and so is a match whose time or
//! destination cannot be read; card issuing and orders are not in the history (`CannotTell`,
//! naming the endpoint to check). Every month from the sending to now is read (at most 24; a
//! call sent longer ago is `CannotTell`), and the month next to either end when it is within
//! 14 hours (the history's months may be local ones).

use serde_json::Value;

use super::{Client, Prepared};
use crate::error::{Error, Outcome, Result};
use crate::models::{ExchangeDetails, Transaction, TransactionHistory, TransactionHistoryQuery};
use crate::transport::Body;
use crate::Amount;

/// What a money-moving call sent, carried by its error when the outcome is `unknown` or
/// `accepted` (`e.fingerprint` in every language): the input of `client.reconcile(error)`
/// ([`Client::reconcile`]). Holds no secret (no PIN, no card data).
///
/// Serializes as `{operation, amount, currency, destination, externalUserId, sentAtMs, title,
/// network}` so that it can be stored, and so that the bindings hand it over as a plain object
/// (`title` and `network` may be absent: fingerprints stored before they existed). Reads the
/// Python package's snake_case names too (`external_user_id`, `sent_at_ms`): a fingerprint a
/// Python service stored with `json.dumps` reads back in every language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(::uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(::tsify::Tsify), tsify(missing_as_null))]
pub struct Fingerprint {
    /// The operation (`"sepa.partner_transfer"`).
    pub operation: String,
    /// The amount sent, when the call had one.
    pub amount: Option<Amount>,
    /// The currency (sold currency for exchanges), lower case, when the call had one.
    pub currency: Option<String>,
    /// Where the money went: IBAN, wallet address or user, when the call said; the bought
    /// currency (lower case) for exchanges.
    pub destination: Option<String>,
    /// The user whose balance pays (`sourceExternalUserId` / `externalUserId`), if not the
    /// partner.
    #[serde(alias = "external_user_id")]
    pub external_user_id: Option<String>,
    /// When the first attempt was sent, in milliseconds since 1970-01-01 UTC.
    #[serde(alias = "sent_at_ms")]
    pub sent_at_ms: i64,
    /// The SEPA transfer's title (`transferTitle`): two payments of one amount to one IBAN
    /// differ by it.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub title: Option<String>,
    /// The crypto withdrawal's network, lower case: one address may exist on several networks.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub network: Option<String>,
    /// True when the call was accepted (a 2xx came; its reply could not be read): it happened,
    /// so `reconcile` never answers `NotFound` for it, even from a stored fingerprint. Absent
    /// (false) otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub accepted: bool,
}

impl Fingerprint {
    /// The fingerprint of `prepared`, sent at `sent_at_ms`; `None` for calls that move no
    /// money.
    pub fn of(prepared: &Prepared, sent_at_ms: i64) -> Option<Fingerprint> {
        if !prepared.moves_money {
            return None;
        }
        let body: Value = match &prepared.body {
            Body::Json(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| body.get(*k).and_then(Value::as_str))
                .map(str::to_string)
        };
        let amount = body.get("amount").and_then(|v| match v {
            Value::String(s) => Amount::parse(s).ok(),
            Value::Number(n) => Amount::parse(&n.to_string()).ok(),
            _ => None,
        });
        Some(Fingerprint {
            operation: prepared.operation.to_string(),
            amount,
            currency: text(&["currency", "currencyFrom"]).map(|c| c.to_ascii_lowercase()),
            destination: text(&[
                "destinationIban",
                "walletAddress",
                "destinationExternalUserId",
            ])
            .or_else(|| text(&["currencyTo"]).map(|c| c.to_ascii_lowercase())),
            external_user_id: text(&["sourceExternalUserId", "externalUserId"]),
            sent_at_ms,
            title: text(&["transferTitle"]),
            network: text(&["network"]).map(|n| n.to_ascii_lowercase()),
            accepted: false,
        })
    }
}

/// The fingerprint that the money call `operation` (`"sepa.partner_transfer"`, as the manifest
/// names it) with `request` would carry if it failed with an `unknown` outcome, stamped
/// `sent_at_ms` ([`fingerprint_of`]).
/// `text`: `request` is JSON text's (its numbers exact: an amount may be written as one, and a
/// number anywhere else is refused, as [`crate::input::decode_text`] reads it); else a host's
/// values, whose fractional numbers went through a binary float ([`crate::input::decode`]).
fn fingerprint_named(
    operation: &str,
    request: &Value,
    sent_at_ms: i64,
    text: bool,
) -> Result<Fingerprint> {
    macro_rules! named {
        ($(
            $(#[doc = $gdoc:literal])*
            group $group:ident $Group:ident $gjs:literal wait($($w:tt)*) {
                $(
                    $(#[doc = $doc:literal])+
                    $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                    $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
                )+
            }
        )+) => {
            $($(
                if operation == concat!(stringify!($group), ".", stringify!($op)) {
                    let no_money = || Error::validation(
                        "operation",
                        format!("`{operation}` moves no money: it has no fingerprint"),
                    );
                    return match named!(@prepared $konst [$($flag)*] $shape $($in)?) {
                        Some(prepared) => Fingerprint::of(&prepared?, sent_at_ms).ok_or_else(no_money),
                        None => Err(no_money()),
                    };
                }
            )+)+
        };
        (@prepared $konst:ident [$($flag:ident)*] body $in:ident) => {
            crate::__op_flag!(money $($flag)*).then(|| {
                let req: crate::models::$in = if text {
                    crate::input::decode_text(request, "request")?
                } else {
                    crate::input::decode(request, "request")?
                };
                super::resources::prepare(&crate::routes::$konst, &[], Some(&req))
            })
        };
        (@prepared $konst:ident [$($flag:ident)*] $($other:tt)*) => {
            None::<Result<Prepared>>
        };
    }
    crate::for_each_operation!(named);
    Err(Error::validation(
        "operation",
        format!(
            "`{operation}` is no operation of the SDK (`group.name`, as `sepa.partner_transfer`)"
        ),
    ))
}

/// The fingerprint of a money call before it is sent: store it *before* the call (with the
/// payment it pays), and a process that dies while the call is out still has what
/// [`Client::reconcile`] needs. `operation` is the manifest's name (`"sepa.partner_transfer"`);
/// `request` the call's request (its typed request, or JSON in the wire's camelCase names;
/// its numbers are read as written: serde_json keeps their text),
/// checked as the call checks it: a `Validation` error naming the field, or naming `operation`
/// for a name that is no money call. Equal to the fingerprint the call's error would carry,
/// except for `sent_at_ms`, which is now: send the call at once after storing it.
///
/// ```
/// # fn main() -> p100::Result<()> {
/// use p100::models::PartnerSepaTransferRequest;
/// let request: PartnerSepaTransferRequest = p100::input::decode_json(
///     r#"{"amount": "25.00", "currency": "eur", "destinationIban": "DE89370400440532013000",
///         "transferTitle": "Invoice 7"}"#,
///     "request",
/// )?;
/// let fp = p100::fingerprint_of("sepa.partner_transfer", &request)?;
/// let stored = serde_json::to_string(&fp).expect("a fingerprint is JSON"); // save, then send
/// # assert!(stored.contains("Invoice 7"));
/// # Ok(())
/// # }
/// ```
pub fn fingerprint_of<R: serde::Serialize + ?Sized>(
    operation: &str,
    request: &R,
) -> Result<Fingerprint> {
    // Its numbers are exact (serde_json keeps a number's text): `0.001001` is read as written.
    let request = serde_json::to_value(request)
        .map_err(|e| Error::validation("request", format!("cannot be read as JSON: {e}")))?;
    fingerprint_named(operation, &request, super::exec::now_unix_ms(), true)
}

/// Why an error of `outcome` carries no fingerprint: for a binding that reads one off an error
/// to store it (Python's `fingerprint_to_json`). Errors of calls that move money carry one,
/// except those that say nothing happened and those that carry the id instead.
#[doc(hidden)]
pub fn why_no_fingerprint(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NotSent | Outcome::Rejected => {
            "has no fingerprint: its outcome says nothing happened, so there is nothing to \
             reconcile"
        }
        Outcome::Accepted => {
            "has no fingerprint: the call happened (outcome accepted), and its id is known: in \
             raw_body for a call kept after it completed, or the id a wait was given"
        }
        Outcome::Unknown => "has no fingerprint: it is the error of a call that moves no money",
    }
}

/// [`fingerprint_of`] for a request read from a host language's values (Python, JavaScript):
/// a number with a fraction went through a binary float there, and is refused as an amount, as
/// the call refuses it.
#[doc(hidden)]
pub fn fingerprint_of_host(operation: &str, request: &Value) -> Result<Fingerprint> {
    fingerprint_named(operation, request, super::exec::now_unix_ms(), false)
}

/// The answer of `client.reconcile(error)` ([`Client::reconcile`]): did the operation of an
/// ambiguous error happen? `Found` (its id and status in the history), `NotFound` (the history
/// does not show it, or the error proves it never happened) or `CannotTell` (several matches, or
/// an operation the history does not list: `reason` names what to check instead). Serializes as `{"result": "found", "id", "status"}`,
/// `{"result": "not_found"}` or `{"result": "cannot_tell", "reason"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(::uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(::tsify::Tsify), tsify(missing_as_null))]
pub enum Reconciliation {
    /// The operation happened: its id and its status in the history.
    Found {
        /// The operation's id (use it with the details endpoint and to wait for it).
        id: String,
        /// Its status as the history shows it.
        status: Option<String>,
    },
    /// The history shows no such operation (yet): it may still appear, so check again after a
    /// while before sending the call again.
    NotFound,
    /// The history cannot answer (several matches, or an operation the history does not list).
    CannotTell {
        /// Why, and what to check instead.
        reason: String,
    },
}

/// The history's `type`s of each operation the history lists (`external` is what the API's SEPA
/// details call a SEPA transfer).
fn history_types(operation: &str) -> Option<&'static [&'static str]> {
    Some(match operation {
        "exchange.partner_execute" | "exchange.user_execute" => &["exchange"],
        "sepa.partner_transfer" | "sepa.user_transfer" => &["sepa_transfer", "external"],
        "crypto.partner_withdrawal" | "crypto.user_withdrawal" => &["crypto_withdrawal"],
        "transfers.create" => &["transfer"],
        _ => return None,
    })
}

/// Every history `type` known: an entry of another known type is not the operation; one
/// without a type, or of a type outside this list, cannot be ruled out.
const KNOWN_TYPES: &[&str] = &[
    "exchange",
    "sepa_transfer",
    "external",
    "crypto_withdrawal",
    "transfer",
    "sepa_deposit",
    "crypto_deposit",
];

/// Known types that are also everyday words for any payment: P100 might list a SEPA payout or
/// a withdrawal as a `transfer` (the history's types are not documented), so such an entry
/// rules out nothing but leaves the answer open.
/// `external` too: the API's SEPA details call a SEPA payout so, and it is the only history
/// type the docs show; it may as well name any payout leaving P100 (a withdrawal).
const GENERIC_TYPES: &[&str] = &["transfer", "external"];

fn is_one_of(text: &str, list: &[&str]) -> bool {
    list.iter().any(|k| k.eq_ignore_ascii_case(text))
}

/// True when `t` is the operation by every fact the history gives (its type, its amount and
/// its time are there and fit); a match short of this makes the answer `CannotTell`.
fn is_certain(
    fp: &Fingerprint,
    behind: i64,
    kinds: &[&str],
    direction: &str,
    t: &Transaction,
) -> bool {
    is_readable(fp, kinds, direction, t)
        && stamped_after_sending(fp, t)
        && !stamped_long_after_sending(fp, behind, t)
        && !listed_gross_of_fee(fp, t)
}

/// Does `t` list the amount sent only with its fee added (`-26.00`, fee `1.00`, for 25.00)?
/// Whether the history lists amounts gross or net is not documented: such an entry may be the
/// call, or another operation of 26.00, so it leaves the answer open.
fn listed_gross_of_fee(fp: &Fingerprint, t: &Transaction) -> bool {
    let (Some(sent), Some(listed), Some(fee)) = (&fp.amount, &t.amount, &t.fee) else {
        return false;
    };
    listed.abs() != *sent
        && sent
            .value()
            .checked_add(fee.abs().value())
            .is_some_and(|gross| listed.abs().value() == gross)
}

/// True when `t` states every fact a match is judged by: a type of the kind, an amount, a known
/// direction and currency, a readable time.
fn is_readable(fp: &Fingerprint, kinds: &[&str], direction: &str, t: &Transaction) -> bool {
    t.r#type.as_deref().is_some_and(|k| is_one_of(k, kinds))
        && (fp.amount.is_none() || t.amount.is_some())
        && (is_exchange(fp)
            || t.direction
                .as_deref()
                .is_none_or(|d| direction_is(d, direction) == Some(true)))
        && !matches!(t.currency, Some(crate::Currency::Unknown(_)))
        && created_ms(t).is_some()
}

/// ` (id X)` for an entry with an id, for the reasons that name it.
fn id_note(t: &Transaction) -> String {
    t.id.as_deref()
        .map(|id| format!(" (id {id})"))
        .unwrap_or_default()
}

/// Why `t`, a match that is not certain, leaves the answer open: what it lacks, or that it is
/// stamped just before the sending (an equal operation sent a moment earlier looks the same).
fn uncertain_reason(
    fp: &Fingerprint,
    behind: i64,
    kinds: &[&str],
    direction: &str,
    t: &Transaction,
) -> String {
    let id = id_note(t);
    if listed_gross_of_fee(fp, t) {
        format!(
            "a history entry{id} lists the amount sent plus its fee: it may be this call or \
             another operation of that amount; check it by hand"
        )
    } else if is_readable(fp, kinds, direction, t) && stamped_long_after_sending(fp, behind, t) {
        format!(
            "an operation of the same kind, amount and currency{id} is in the history, stamped \
             more than {} minutes after this call was sent: it may be a later call (the same \
             one sent again); check it by hand, and retire a fingerprint once its call is sent \
             again",
            SKEW_MS / 60_000
        )
    } else if is_readable(fp, kinds, direction, t) {
        format!(
            "an operation of the same kind, amount and currency{id} is in the history, stamped \
             up to {} minutes before this call was sent (clocks may differ): it may be this call \
             or an earlier one (what the SDK can read does not tell them apart); check it by hand",
            SKEW_MS / 60_000
        )
    } else {
        format!(
            "a history entry that may be it{id} lacks a readable type, direction, amount, \
             currency or time (createdAt): check it by hand"
        )
    }
}

/// Why an exchange entry listing other money than the one sent leaves the answer open.
fn other_money_reason(t: &Transaction) -> String {
    let id = id_note(t);
    let shown = |v: Option<String>| v.unwrap_or_else(|| "?".into());
    format!(
        "an exchange{id} is in the history from that time with {} {}, not the amount and \
         currency sent, and its details do not rule it out: the history may list an exchange \
         net of its fee or in the bought currency; check it with exchange.details",
        shown(t.amount.as_ref().map(ToString::to_string)),
        shown(t.currency.as_ref().map(|c| c.as_str().to_string())),
    )
}

/// Is `t` stamped no earlier than the sending? Only such an entry can be taken for the call: an
/// equal call sent a moment before (a second credit of the same amount to the same user) is
/// stamped just before, and would otherwise be `Found` for a call that never ran. A time given
/// in whole seconds is compared in whole seconds. (With a clock ahead of P100's, the entry of
/// the call itself is stamped before the sending: `CannotTell`, see [`SKEW_MS`].)
fn stamped_after_sending(fp: &Fingerprint, t: &Transaction) -> bool {
    let Some(ms) = created_ms(t) else {
        return false;
    };
    let whole_seconds = t.created_at.as_deref().is_some_and(|s| !s.contains('.'));
    let from = if whole_seconds {
        fp.sent_at_ms.div_euclid(1000) * 1000
    } else {
        fp.sent_at_ms
    };
    ms >= from
}

/// Is `t` stamped more than [`SKEW_MS`] after the sending (plus `behind`, how far this clock
/// may be behind P100's)? The call's own entry is stamped when P100 received it, within the
/// call's time (a write is sent again only when it provably was not sent, or after a 429) and
/// the clocks' difference. An equal operation stamped later may be a later call (the same
/// payout sent again after a `NotFound`, next month's identical salary): taken for this one, a
/// call that never ran would be `Found` and never sent (outside review, stop 47). Such an entry
/// leaves the answer open (so does the call's own, in the rare call retried after 429s for
/// more than ten minutes).
fn stamped_long_after_sending(fp: &Fingerprint, behind: i64, t: &Transaction) -> bool {
    let bound = fp.sent_at_ms.saturating_add(SKEW_MS).saturating_add(behind);
    created_ms(t).is_some_and(|ms| ms > bound)
}

/// How far before the sending time (this machine's clock) a history entry may be stamped and
/// still be the operation: P100's clock, or this one, may be off. An entry stamped earlier is
/// ruled out; one stamped between this and the sending is not ruled out, but not proven either
/// (an equal call sent just before would look the same): `CannotTell`.
const SKEW_MS: i64 = 10 * 60 * 1000;

/// Is the history's direction word `d` the direction looked for (`"out"` or `"in"`)?
/// `Some(false)` for the other one, `None` for a word not known.
fn direction_is(d: &str, direction: &str) -> Option<bool> {
    const OUT: &[&str] = &["out", "outgoing", "outbound", "debit", "sent"];
    const IN: &[&str] = &["in", "incoming", "inbound", "credit", "received"];
    let (same, other) = if direction == "out" {
        (OUT, IN)
    } else {
        (IN, OUT)
    };
    if is_one_of(d, same) {
        Some(true)
    } else if is_one_of(d, other) {
        Some(false)
    } else {
        None
    }
}

/// Does `t` list another amount or currency than the ones sent? A debit may be listed with a
/// minus sign, or gross of the fee the entry states (`-26.00` with `fee` `1.00` for 25.00 sent:
/// kept, but never certain, see [`listed_gross_of_fee`]); a fact the entry lacks, or a currency spelling this SDK does not know (`MATIC` for
/// `pol`…), is not another one.
fn lists_other_money(fp: &Fingerprint, t: &Transaction) -> bool {
    let amount = matches!((&fp.amount, &t.amount),
        (Some(sent), Some(listed)) if listed.abs() != *sent && !listed_gross_of_fee(fp, t));
    let currency = match (&fp.currency, &t.currency) {
        (_, Some(crate::Currency::Unknown(_))) => false,
        (Some(c), Some(tc)) => !tc.as_str().eq_ignore_ascii_case(c),
        _ => false,
    };
    amount || currency
}

/// Is `fp` an exchange's?
fn is_exchange(fp: &Fingerprint) -> bool {
    fp.operation.starts_with("exchange.")
}

/// May `t` be the operation although it lists other money? Only an entry typed as an exchange,
/// for an exchange: the history is not documented, and it may list an exchange net of its fee
/// or in the bought currency. When no entry lists the money sent, such an entry is ruled out
/// only by its details (`NotFound` would invite exchanging again); another amount rules out
/// any other operation.
fn may_list_other_money(fp: &Fingerprint, kinds: &[&str], t: &Transaction) -> bool {
    is_exchange(fp) && t.r#type.as_deref().is_some_and(|k| is_one_of(k, kinds))
}

/// The farthest a time zone is from UTC (UTC+14), in milliseconds.
const ZONE_MS: i64 = 14 * 3600 * 1000;

fn created_ms(t: &Transaction) -> Option<i64> {
    let text = t.created_at.as_deref()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|d| d.timestamp_millis())
}

/// The entries of `history` that may be the operation (pure, for tests): of its kind,
/// direction, amount (with or without a minus sign) and currency, created after it was sent
/// (less [`SKEW_MS`]). A fact the entry lacks or words in a way not known (no type or one the
/// history is not known to use, a direction or currency word not known, no amount, a time
/// that cannot be read, a time just before the sending) cannot rule it out: such a match makes
/// the answer `CannotTell`, never `NotFound` (see [`is_certain`]). An exchange entry listing
/// other money is kept for a check of its details ([`may_list_other_money`]).
pub fn matches<'a>(
    fp: &Fingerprint,
    kinds: &[&str],
    direction: &str,
    history: &'a [Transaction],
) -> Vec<&'a Transaction> {
    history
        .iter()
        .filter(|t| match t.r#type.as_deref() {
            Some(k) if is_one_of(k, kinds) => true,
            Some(k) => !is_one_of(k, KNOWN_TYPES) || is_one_of(k, GENERIC_TYPES),
            None => true,
        })
        // An exchange moves money both ways: its entry may be listed in or out.
        .filter(|t| {
            is_exchange(fp)
                || t.direction
                    .as_deref()
                    .is_none_or(|d| direction_is(d, direction) != Some(false))
        })
        .filter(|t| !lists_other_money(fp, t) || may_list_other_money(fp, kinds, t))
        .filter(|t| created_ms(t).is_none_or(|ms| ms >= fp.sent_at_ms.saturating_sub(SKEW_MS)))
        .collect()
}

/// A clock difference below this is noise of the `Date` header (whole seconds, the reply's
/// latency) and moves nothing; [`SKEW_MS`] already keeps such an entry open.
const CLOCK_NOISE_MS: i64 = 5_000;

/// How far this machine's clock is ahead of the server's, by a reply's `Date` header: at least
/// (the time the request left, less the header's time and the second it truncates) and at most
/// (the time the reply came, less the header's time). `None` without a readable header.
fn clock_ahead(reply: &crate::client::ResponseMeta) -> Option<(i64, i64)> {
    let server = httpdate::parse_http_date(reply.header("date")?.trim()).ok()?;
    let server = server.duration_since(std::time::UNIX_EPOCH).ok()?;
    let server = i64::try_from(server.as_millis()).ok()?;
    let now = super::exec::now_unix_ms();
    let elapsed = i64::try_from(reply.elapsed.as_millis()).unwrap_or(i64::MAX);
    let least = now
        .saturating_sub(elapsed)
        .saturating_sub(server)
        .saturating_sub(1000);
    Some((least, now.saturating_sub(server)))
}

/// `(month, year)` of a time in milliseconds since 1970.
fn month_of(ms: i64) -> Option<(i32, i32)> {
    use chrono::Datelike;
    let d = chrono::DateTime::from_timestamp_millis(ms)?;
    Some((i32::try_from(d.month()).ok()?, d.year()))
}

/// How many monthly histories one reconciliation reads at most (two years).
const MAX_MONTHS: usize = 24;

/// Every month from the one of `from` to the one of `to` (ms since 1970), in order; at least
/// the month of `from`, and the month of `to` when it comes first (this machine's clock was
/// set back since). `None` past [`MAX_MONTHS`].
fn months_between(from: i64, to: i64) -> Option<Vec<(i32, i32)>> {
    let (mut month, mut year) = month_of(from)?;
    let (to_month, to_year) = month_of(to)?;
    if (to_year, to_month) < (year, month) {
        return Some(vec![(month, year), (to_month, to_year)]);
    }
    let last = Some((to_month, to_year));
    let mut out = vec![(month, year)];
    while let Some((last_month, last_year)) = last {
        if (year, month) >= (last_year, last_month) {
            break;
        }
        (month, year) = if month == 12 {
            (1, year + 1)
        } else {
            (month + 1, year)
        };
        out.push((month, year));
        if out.len() > MAX_MONTHS {
            return None;
        }
    }
    Some(out)
}

impl Client {
    /// After an error whose outcome is [`Outcome::Unknown`] (or [`Outcome::Accepted`] without
    /// a readable id): looks in the transaction history for the operation the failed call
    /// would have created, after the time it was sent. See [`Reconciliation`] for what each
    /// answer proves. An error whose outcome is `NotSent` or `Rejected` answers `NotFound`
    /// without a request (it provably did not happen); an `Unknown`/`Accepted` error without a
    /// fingerprint (not a money-moving call) is a validation error of field `error`.
    pub async fn reconcile(&self, error: &Error) -> Result<Reconciliation> {
        self.reconcile_outcome(error.outcome(), error.fingerprint())
            .await
    }

    /// [`Client::reconcile`] from the two facts it needs — what the bindings hold of an error
    /// (its outcome and its fingerprint). `NotSent`/`Rejected` answer `NotFound` without a
    /// request; `Unknown`/`Accepted` need the fingerprint.
    pub async fn reconcile_outcome(
        &self,
        outcome: Outcome,
        fingerprint: Option<&Fingerprint>,
    ) -> Result<Reconciliation> {
        // Provably not sent, or refused: it did not happen.
        if matches!(outcome, Outcome::NotSent | Outcome::Rejected) {
            return Ok(Reconciliation::NotFound);
        }
        let Some(fp) = fingerprint else {
            if outcome == Outcome::Accepted {
                // A kept call that finished but was not handed over (`keep_undelivered`): it
                // happened; its ids, when its reply had them, are in its raw body.
                return Ok(Reconciliation::CannotTell {
                    reason: "the call was accepted, so it happened, but its error carries no \
                             fingerprint to look for in the history: follow the ids in its raw \
                             body with the details endpoint; do not send it again"
                        .into(),
                });
            }
            return Err(Error::validation(
                "error",
                format!(
                    "carries no fingerprint to reconcile: only the errors of calls that move \
                     money have one (outcome {outcome}: {})",
                    outcome.advice()
                ),
            )
            .with_outcome(Outcome::Unknown));
        };
        let accepted = outcome == Outcome::Accepted || fp.accepted;
        let fp = Fingerprint {
            accepted,
            ..fp.clone()
        };
        self.reconcile_fingerprint(&fp).await
    }

    /// [`Client::reconcile`] from a fingerprint kept elsewhere (e.g. stored before a restart).
    ///
    /// An error of this call (a history that could not be read, a fingerprint refused) speaks
    /// of the call it reconciles, whose fate is still not known: its outcome is `Unknown`, or
    /// `Accepted` for a call that was accepted, never the outcome of the history read itself
    /// (`accepted` for a 2xx reply too large to read, `not_sent` for a refused fingerprint:
    /// code that acts on an error's outcome read them as "the money moved" or "send it again";
    /// outside review, stop 50).
    pub async fn reconcile_fingerprint(&self, fp: &Fingerprint) -> Result<Reconciliation> {
        let answer = self.search_history(fp).await.map_err(|e| {
            e.with_outcome(if fp.accepted {
                Outcome::Accepted
            } else {
                Outcome::Unknown
            })
        })?;
        // An accepted call happened (a 2xx arrived): a history that does not list it (yet)
        // proves nothing, and `NotFound` would invite sending the money again.
        Ok(match (fp.accepted, answer) {
            (true, Reconciliation::NotFound) => Reconciliation::CannotTell {
                reason: "the call was accepted (P100 answered 2xx; its reply could not be \
                         read), so it happened, but the history does not list it yet: do not \
                         send it again; look again later"
                    .into(),
            },
            (_, answer) => answer,
        })
    }

    /// The history's answer for `fp`, before the rule for accepted calls.
    async fn search_history(&self, fp: &Fingerprint) -> Result<Reconciliation> {
        // A fingerprint read back from storage or typed by hand: an operation or a time that
        // no call of this SDK wrote is refused, naming the field, before any request.
        if crate::routes::by_name(&fp.operation).is_none() {
            return Err(Error::validation(
                "operation",
                "is not an operation of the catalog (as in a fingerprint: \"sepa.partner_transfer\")",
            ));
        }
        let now_ms = crate::client::exec::now_unix_ms();
        if fp.sent_at_ms > now_ms.saturating_add(SKEW_MS.max(ZONE_MS)) {
            return Err(Error::validation(
                "sentAtMs",
                "is in the future: a fingerprint's time is when its call was sent (milliseconds \
                 since 1970, UTC)",
            ));
        }
        let Some(kinds) = history_types(&fp.operation) else {
            let check = match fp.operation.as_str() {
                "cards.create" => "the user's cards (cards.list)",
                "orders.create" => "the partner's orders (orders.details)",
                _ => "the matching details endpoint",
            };
            return Ok(Reconciliation::CannotTell {
                reason: format!(
                    "{} does not appear in the transaction history: check {check}",
                    fp.operation
                ),
            });
        };
        let now = web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(fp.sent_at_ms);
        // Every month from the sending (less the skew) to now: P100 may have recorded it in
        // any of them. The history's months are not documented to be UTC months: near a month's
        // end or start, the month next to it in any time zone (UTC-12 to UTC+14) is read too.
        let from = fp.sent_at_ms.saturating_sub(SKEW_MS.max(ZONE_MS));
        let Some(months) = months_between(from, now.saturating_add(ZONE_MS)) else {
            return Ok(Reconciliation::CannotTell {
                reason: format!(
                    "it was sent more than {MAX_MONTHS} months ago: check the transaction \
                     history of that time"
                ),
            });
        };
        let (holder, direction) = history_of(fp, kinds);
        let mut histories = Vec::new();
        let mut read = Vec::new();
        let mut clock = None;
        let mut paged = None;
        for (month, year) in months {
            let (history, meta, more) = self.history_of_month(holder, month, year).await?;
            clock = clock.or_else(|| meta.as_ref().and_then(clock_ahead));
            paged = paged.or(more.then_some((month, year)));
            histories.push(history);
            read.push((month, year));
        }
        // This machine's clock may be ahead of P100's (the history reply's `Date` says by how
        // much, within the reply's latency): the sending, in P100's time, lies between
        // `sent - most` and `sent - least`. An entry stamped after the latest possible sending
        // is after it (`late`); one stamped before the earliest possible sending, less the
        // skew, is ruled out (`early`); between the two, it stays open.
        let (least, most) = clock.unwrap_or((0, 0));
        let shift = |ahead: i64| if ahead > CLOCK_NOISE_MS { ahead } else { 0 };
        let late = Fingerprint {
            sent_at_ms: fp.sent_at_ms.saturating_sub(shift(least)),
            ..fp.clone()
        };
        let early = Fingerprint {
            sent_at_ms: fp.sent_at_ms.saturating_sub(shift(most)),
            ..fp.clone()
        };
        // Behind P100's clock (now; it may have been otherwise at the sending): the call's own
        // entry may be stamped later than the sending by as much, so an entry is taken for a
        // later call only beyond that. This only widens the window: the clock read now never
        // narrows the search (the diff review: a fingerprint reconciled days later, by a clock
        // set back since, was `NotFound`), and a slow reply is no clock behind.
        let behind = least.min(0).saturating_neg();
        // The months the earlier sending may fall in, not read yet.
        let from = early.sent_at_ms.saturating_sub(SKEW_MS.max(ZONE_MS));
        // Up to P100's now: a clock behind P100's (the sandbox after `advance`) would not read
        // the month P100 stamped it in (the review of the fixes, stop 47).
        let to = now.saturating_add(ZONE_MS).saturating_add(behind);
        let Some(months) = months_between(from, to) else {
            return Ok(Reconciliation::CannotTell {
                reason: format!(
                    "this machine's clock is {} h ahead of P100's: look for it in the \
                     transaction history by hand",
                    shift(most) / 3_600_000
                ),
            });
        };
        for (month, year) in months.into_iter().filter(|m| !read.contains(m)) {
            let (history, _, more) = self.history_of_month(holder, month, year).await?;
            paged = paged.or(more.then_some((month, year)));
            histories.push(history);
        }
        // The SDK reads one page of each month: with more pages, the operation may be on one
        // it did not read (`NotFound` would invite sending the money again), and an equal one
        // may be too.
        if let Some((month, year)) = paged {
            return Ok(Reconciliation::CannotTell {
                reason: format!(
                    "the transaction history of {month}/{year} has more pages than the one the \
                     SDK reads: look for it there by hand"
                ),
            });
        }
        let fp = &late;
        let mut found: Vec<Transaction> = Vec::new();
        for history in &histories {
            found.extend(
                matches(&early, kinds, direction, &history.transactions)
                    .into_iter()
                    .cloned(),
            );
        }
        // The same entry listed in two months' histories is one operation.
        let mut ids = std::collections::HashSet::new();
        found.retain(|t| t.id.as_ref().is_none_or(|id| ids.insert(id.clone())));
        // Exchanges listing other money than the one sent: when an entry lists the money sent,
        // the history lists exchanges as sent, and those are other exchanges; when none does,
        // their details say what each sold.
        let (exact, otherwise): (Vec<_>, Vec<_>) =
            found.into_iter().partition(|t| !lists_other_money(fp, t));
        let mut found = exact;
        // The details read to judge those entries, kept so that each is read once.
        let mut read = std::collections::HashMap::new();
        if found.is_empty() && !otherwise.is_empty() {
            match self.selling_as_sent(fp, otherwise).await? {
                Ok(kept) => {
                    for (t, d) in kept {
                        read.extend(t.id.clone().map(|id| (id, d)));
                        found.push(t);
                    }
                }
                Err(reason) => return Ok(Reconciliation::CannotTell { reason }),
            }
        }
        // An entry open only by its time (stamped in the window just before the sending: an
        // equal call sent a moment earlier looks the same) is ruled out when its details show
        // another destination, title or network: payouts of one amount to many IBANs left
        // every one of them `CannotTell` (outside review, stop 47). At most MAX_DETAILS reads;
        // details that do not say keep it open.
        if fp.destination.is_some() && checks_destination(fp) {
            let early_only = |t: &Transaction| {
                is_readable(fp, kinds, direction, t)
                    && !stamped_after_sending(fp, t)
                    && !stamped_long_after_sending(fp, behind, t)
                    && !listed_gross_of_fee(fp, t)
            };
            let open = found.iter().filter(|t| early_only(t)).count();
            if open > 0 && open <= MAX_DETAILS {
                let mut kept = Vec::with_capacity(found.len());
                let mut ruled_out = Vec::new();
                for t in found {
                    if let (true, Some(id)) = (early_only(&t), t.id.clone()) {
                        let net = lists_other_money(fp, &t);
                        // Details that cannot be read say nothing: this step only narrows
                        // the answer, it never fails it (the review of the fixes).
                        let seen = self
                            .facts_of(fp, &id, net, read.remove(&id))
                            .await
                            .unwrap_or_default();
                        if seen.compare(fp) == Some(false) {
                            ruled_out.push(id);
                            continue;
                        }
                    }
                    kept.push(t);
                }
                // Nothing left: as in `by_details`, details that all show another destination
                // prove no `NotFound` (the API might mask or rewrite it).
                if kept.is_empty() {
                    return Ok(Reconciliation::CannotTell {
                        reason: format!(
                            "no matching entry is proven to be this call: {} (its details show \
                             another destination or amount); check by hand before sending it \
                             again",
                            ruled_out.join(", ")
                        ),
                    });
                }
                found = kept;
            }
        }
        if let Some(t) = found
            .iter()
            .find(|t| !is_certain(fp, behind, kinds, direction, t))
        {
            return Ok(Reconciliation::CannotTell {
                reason: uncertain_reason(fp, behind, kinds, direction, t),
            });
        }
        if fp.destination.is_some() && checks_destination(fp) {
            return self.by_details(fp, &found, read).await;
        }
        Ok(match found.as_slice() {
            [] => Reconciliation::NotFound,
            [one] => match &one.id {
                Some(id) => Reconciliation::Found {
                    id: id.clone(),
                    status: one.status.clone(),
                },
                None => Reconciliation::CannotTell {
                    reason: "a matching entry has no id".into(),
                },
            },
            many => Reconciliation::CannotTell {
                reason: format!(
                    "{} operations match (equal calls sent close together cannot be told apart)",
                    many.len()
                ),
            },
        })
    }
}

impl Client {
    /// The answer among `found` (certain matches of kind, amount, currency and time) by where
    /// each one's details say the money went, which the history does not show: `Found` only
    /// for the one match whose details show the destination sent, when every other match
    /// shows another. A match whose details do not say is never ruled out; nor is one showing
    /// another destination when none shows the one sent (the API might mask or rewrite it:
    /// `NotFound` would invite sending the money again). Those answers are `CannotTell`.
    ///
    /// `read`: the exchange details already read for some of `found`, by id (not read again).
    async fn by_details(
        &self,
        fp: &Fingerprint,
        found: &[Transaction],
        mut read: std::collections::HashMap<String, ExchangeDetails>,
    ) -> Result<Reconciliation> {
        if found.is_empty() {
            return Ok(Reconciliation::NotFound);
        }
        if found.len() > MAX_DETAILS {
            return Ok(Reconciliation::CannotTell {
                reason: format!(
                    "{} operations match (equal calls sent close together cannot be told apart)",
                    found.len()
                ),
            });
        }
        let (mut same, mut other, mut open) = (Vec::new(), Vec::new(), Vec::new());
        for t in found {
            let Some(id) = &t.id else {
                open.push("an entry without id".to_string());
                continue;
            };
            // An entry listed with other money was kept because its details show the sale
            // sent, gross or net of its fee; one listed with the money sent must show it as is.
            let net = lists_other_money(fp, t);
            let seen = match self.facts_of(fp, id, net, read.remove(id)).await {
                Ok(seen) => seen,
                // Not an id its details endpoint knows: the entry cannot be checked.
                Err(e) if e.status() == Some(404) => Seen::default(),
                Err(e) => return Err(e),
            };
            match seen.compare(fp) {
                Some(true) => same.push(t),
                Some(false) => other.push(id.as_str()),
                None => open.push(format!(
                    "{id} (its details do not show where it went, or its title or network)"
                )),
            }
        }
        Ok(match same.as_slice() {
            // Another match that went elsewhere is another operation: the details of this one
            // show the destination as sent, so they are not masked or rewritten.
            [one] if open.is_empty() => Reconciliation::Found {
                id: one.id.clone().unwrap_or_default(),
                status: one.status.clone(),
            },
            [_] => Reconciliation::CannotTell {
                reason: format!(
                    "one entry went to this destination, but {} cannot be ruled out",
                    open.join(", ")
                ),
            },
            [] => {
                open.extend(
                    other
                        .iter()
                        .map(|id| format!("{id} (its details show another destination or amount)")),
                );
                Reconciliation::CannotTell {
                    reason: format!(
                        "no matching entry is proven to be this call: {}; check by hand before \
                         sending again",
                        open.join(", ")
                    ),
                }
            }
            many => Reconciliation::CannotTell {
                reason: format!(
                    "{} operations to this destination match (equal calls sent close together \
                     cannot be told apart)",
                    many.len()
                ),
            },
        })
    }

    /// The exchanges of `entries` (listed with other money than the one sent) whose details
    /// show that they sold the amount and currency sent; those whose details show another sale
    /// are other exchanges. `Err(reason)` when an entry cannot be ruled out (no id, details
    /// that do not say, more than [`MAX_DETAILS`] to read). Each kept entry comes with its
    /// details.
    async fn selling_as_sent(
        &self,
        fp: &Fingerprint,
        entries: Vec<Transaction>,
    ) -> Result<std::result::Result<Vec<(Transaction, ExchangeDetails)>, String>> {
        if entries.len() > MAX_DETAILS {
            return Ok(Err(format!(
                "{} exchanges from that time are listed with another amount or currency than \
                 the one sent (the history may list an exchange net of its fee or in the bought \
                 currency): check them with exchange.details",
                entries.len()
            )));
        }
        let mut kept = Vec::new();
        for t in entries {
            let Some(id) = t.id.as_deref() else {
                return Ok(Err(other_money_reason(&t)));
            };
            let d = match self.exchange().details(id).await {
                Ok(d) => d,
                Err(e) if e.status() == Some(404) => return Ok(Err(other_money_reason(&t))),
                Err(e) => return Err(e),
            };
            match sold_as_sent(fp, &d, true) {
                Some(true) => kept.push((t, d)),
                Some(false) => {}
                None => return Ok(Err(other_money_reason(&t))),
            }
        }
        Ok(Ok(kept))
    }

    /// What the details of operation `id` show of the facts the history lacks (`net`: see
    /// [`sold_as_sent`]; `read`: an exchange's details, when already read).
    async fn facts_of(
        &self,
        fp: &Fingerprint,
        id: &str,
        net: bool,
        read: Option<ExchangeDetails>,
    ) -> Result<Seen> {
        Ok(match fp.operation.as_str() {
            "sepa.partner_transfer" | "sepa.user_transfer" => {
                let d = self.sepa().details(id).await?;
                Seen {
                    destination: d.destination_iban,
                    amount: Some(d.amount),
                    title: d.transfer_title,
                    network: None,
                    sold: None,
                }
            }
            "crypto.partner_withdrawal" | "crypto.user_withdrawal" => {
                let d = self.crypto().details(id).await?;
                Seen {
                    destination: d.destination,
                    amount: d.amount,
                    title: None,
                    network: d.network.map(|n| n.as_str().to_string()),
                    sold: None,
                }
            }
            "exchange.partner_execute" | "exchange.user_execute" => {
                let d = match read {
                    Some(d) => d,
                    None => self.exchange().details(id).await?,
                };
                Seen {
                    sold: sold_as_sent(fp, &d, net),
                    destination: d.currency_to.map(|c| c.as_str().to_ascii_lowercase()),
                    ..Seen::default()
                }
            }
            "transfers.create" => {
                let d = self.transfers().details(id).await?;
                Seen {
                    destination: d.destination_external_user_id,
                    amount: d.amount,
                    ..Seen::default()
                }
            }
            _ => Seen::default(),
        })
    }
}

impl Client {
    /// One month of the history of `holder` (a user, or the partner): the entries, the reply's
    /// metadata, and whether the reply says there are more pages ([`more_pages`]).
    async fn history_of_month(
        &self,
        holder: Option<&str>,
        month: i32,
        year: i32,
    ) -> Result<(TransactionHistory, Option<super::ResponseMeta>, bool)> {
        let q = TransactionHistoryQuery { month, year };
        let prepared = match holder {
            Some(user) => super::resources::prepare(
                &crate::routes::USER_TRANSACTIONS,
                &[("externalUserId", user)],
                Some(&q),
            )?,
            None => super::resources::prepare(&crate::routes::PARTNER_TRANSACTIONS, &[], Some(&q))?,
        };
        // The reply read twice, as the typed call reads it and as plain JSON for its paging
        // words: the decoders the SDK has already (a JSON-value decoder of the model would
        // add 8 KB gzipped to the npm package).
        let recorded = self.recorded();
        let resp = recorded.send(&prepared).await?;
        let history: TransactionHistory = super::exec::decode(&prepared, &resp)
            .map_err(|e| e.without_secret(self.config.api_key.expose()))?;
        let more = serde_json::from_slice::<Value>(&resp.body).is_ok_and(|v| more_pages(&v));
        Ok((history, recorded.last_response(), more))
    }
}

/// Whether a history reply says it holds only part of the month (the history's shape is not
/// documented: the usual paging words): `hasMore: true`, a `next` page or cursor, more pages
/// than the current one, or a total above the entries listed. A plain list says nothing.
pub fn more_pages(reply: &Value) -> bool {
    let Some(o) = reply.as_object() else {
        return false;
    };
    let number = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            o.get(*k)
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        })
    };
    let has_more = [
        "hasMore",
        "has_more",
        "hasNext",
        "has_next",
        "hasNextPage",
        "more",
    ]
    .iter()
    .any(|k| o.get(*k).and_then(Value::as_bool) == Some(true));
    let next = [
        "next",
        "nextPage",
        "next_page",
        "nextCursor",
        "next_cursor",
        "nextPageToken",
    ]
    .iter()
    .any(|k| match o.get(*k) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    });
    let pages = number(&[
        "totalPages",
        "total_pages",
        "pageCount",
        "page_count",
        "pages",
    ])
    .is_some_and(|total| total > number(&["page", "currentPage", "current_page"]).unwrap_or(1));
    let listed = ["transactions", "items", "data"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_array))
        .map_or(0, Vec::len) as u64;
    let total = number(&[
        "total",
        "totalCount",
        "total_count",
        "totalElements",
        "totalItems",
    ])
    .is_some_and(|total| total > listed);
    has_more || next || pages || total
}

/// Whose history to read (a user's, else the partner's) and the operation's direction there.
/// An internal transfer is looked for in its user's history (IN when it funds the user, OUT
/// when it collects from them), so an equal transfer to another user cannot match.
fn history_of<'a>(fp: &'a Fingerprint, kinds: &[&str]) -> (Option<&'a str>, &'static str) {
    match (&fp.external_user_id, &fp.destination) {
        (Some(user), _) => (Some(user), "out"),
        (None, Some(user)) if kinds == ["transfer"] => (Some(user), "in"),
        (None, _) => (None, "out"),
    }
}

/// How many matches [`Client::reconcile`] reads the details of, at most.
const MAX_DETAILS: usize = 5;

/// True when the history cannot show where `fp`'s money went, so that the details of each
/// match must: SEPA transfers, crypto withdrawals, exchanges (the bought currency), and
/// transfers read in the paying user's history (one that funds a user is looked for in that
/// user's own history).
fn checks_destination(fp: &Fingerprint) -> bool {
    match fp.operation.as_str() {
        "sepa.partner_transfer" | "sepa.user_transfer" => true,
        "crypto.partner_withdrawal" | "crypto.user_withdrawal" => true,
        "transfers.create" => fp.external_user_id.is_some(),
        "exchange.partner_execute" | "exchange.user_execute" => true,
        _ => false,
    }
}

/// Do an exchange's details show the sale sent? `Some(false)` when they show another,
/// `Some(true)` when they show the amount and the known currency sent, `None` when they do not
/// say. A known sold currency other than the one sent is another sale. The amount: with
/// `net`, for an entry the history lists with other money, the amount sent either gross or
/// net of the fee the details show (without a fee shown, another amount may be net of it:
/// `None`); without `net`, for an entry the history lists with the money sent, exactly the
/// amount sent (so that an exchange whose gross less its fee happens to equal it is not taken
/// for this one).
fn sold_as_sent(fp: &Fingerprint, d: &ExchangeDetails, net: bool) -> Option<bool> {
    let currency = match &d.currency_from {
        Some(c) if !c.is_unknown() => fp
            .currency
            .as_deref()
            .map(|sent| c.as_str().eq_ignore_ascii_case(sent)),
        _ => None,
    };
    if currency == Some(false) {
        return Some(false);
    }
    let (Some(sent), Some(amount)) = (&fp.amount, &d.amount) else {
        return None;
    };
    let (sent, amount) = (sent.value(), amount.abs().value());
    if amount == sent {
        return currency;
    }
    if !net {
        return Some(false);
    }
    match d.fee.as_ref().map(|f| f.abs().value()) {
        Some(fee)
            if amount.checked_add(fee) == Some(sent) || amount.checked_sub(fee) == Some(sent) =>
        {
            currency
        }
        Some(_) => Some(false),
        None => None,
    }
}

/// What the details of a history entry show of the facts its history entry lacks.
#[derive(Default)]
struct Seen {
    destination: Option<String>,
    /// The amount the details show, when they show one.
    amount: Option<crate::Amount>,
    title: Option<String>,
    network: Option<String>,
    /// For an exchange: do its details show the sale sent ([`sold_as_sent`])?
    sold: Option<bool>,
}

impl Seen {
    /// Is this `fp`'s operation? `Some(false)` as soon as one fact differs, `Some(true)` when
    /// each fact `fp` has is shown and the same, else `None` (a fact not shown).
    fn compare(&self, fp: &Fingerprint) -> Option<bool> {
        let mut answers = Vec::new();
        if let Some(sent) = &fp.destination {
            answers.push(same_destination(
                &fp.operation,
                sent,
                self.destination.as_deref(),
            ));
        }
        if let Some(sent) = &fp.title {
            answers.push(same_text(sent, self.title.as_deref()));
        }
        // Details that show another amount are another operation (an entry whose history
        // amount matched may be one listed gross or net of a fee); details without an amount
        // leave it to the other facts.
        if let (Some(sent), Some(seen)) = (&fp.amount, &self.amount) {
            answers.push(Some(seen.abs() == *sent));
        }
        if let Some(sent) = &fp.network {
            answers.push(same_text(sent, self.network.as_deref()));
        }
        // Its history entry already listed the money sent: details that do not show the sale
        // leave that as it is; details showing another sale rule it out.
        if self.sold == Some(false) {
            answers.push(Some(false));
        }
        if answers.contains(&Some(false)) {
            Some(false)
        } else if answers.contains(&None) {
            None
        } else {
            Some(true)
        }
    }
}

/// A title or network the details show (`None`: not shown), compared without case and
/// without runs of spaces (banks rewrite both).
fn same_text(sent: &str, seen: Option<&str>) -> Option<bool> {
    let seen = seen.filter(|s| !s.trim().is_empty())?;
    let plain = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    Some(plain(sent) == plain(seen))
}

/// Is `seen` (from the details) the destination `sent`? `Some(true)` the same (an IBAN without
/// its spaces and case), `Some(false)` another, `None` when the details do not say, or when
/// two addresses differ only in case (the same hex address, or two base58 ones: not decided).
fn same_destination(operation: &str, sent: &str, seen: Option<&str>) -> Option<bool> {
    let seen = seen?;
    let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (sent, seen) = (plain(sent), plain(seen));
    if seen.is_empty() {
        None
    } else if sent == seen {
        Some(true)
    } else if !sent.eq_ignore_ascii_case(&seen) {
        Some(false)
    } else if operation.starts_with("sepa.") || operation.starts_with("exchange.") {
        Some(true)
    } else {
        None
    }
}

impl Reconciliation {
    /// `"found"`, `"not_found"` or `"cannot_tell"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reconciliation::Found { .. } => "found",
            Reconciliation::NotFound => "not_found",
            Reconciliation::CannotTell { .. } => "cannot_tell",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_that_says_it_has_more_pages() {
        use serde_json::json;
        for paged in [
            json!({"transactions": [], "hasMore": true}),
            json!({"items": [], "next": "/v1/partner/transactions?page=2"}),
            json!({"data": [], "totalPages": 3, "page": 1}),
            json!({"transactions": [], "pages": "2"}),
            json!({"transactions": [{"id": "t-1"}], "total": 40}),
            json!({"transactions": [], "nextCursor": 17}),
        ] {
            assert!(more_pages(&paged), "{paged}");
        }
        for whole in [
            json!([]),
            json!({"transactions": []}),
            json!({"transactions": [], "hasMore": false, "next": null}),
            json!({"transactions": [{"id": "t-1"}], "total": 1, "totalPages": 1, "page": 1}),
            json!({"transactions": [], "next": ""}),
        ] {
            assert!(!more_pages(&whole), "{whole}");
        }
    }

    fn ms(year: i32, month: i32) -> i64 {
        use chrono::TimeZone;
        chrono::Utc
            .with_ymd_and_hms(year, month as u32, 15, 12, 0, 0)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn months_between_reads_each_month_once_across_a_year_end() {
        let months = months_between(ms(2025, 11), ms(2026, 2)).unwrap();
        assert_eq!(months, [(11, 2025), (12, 2025), (1, 2026), (2, 2026)]);
        assert_eq!(
            months_between(ms(2026, 3), ms(2026, 3)).unwrap(),
            [(3, 2026)]
        );
        // A clock set back: both months, the sending's first.
        assert_eq!(
            months_between(ms(2026, 3), ms(2026, 2)).unwrap(),
            [(3, 2026), (2, 2026)]
        );
        assert_eq!(months_between(ms(2024, 1), ms(2025, 12)).unwrap().len(), 24);
        assert!(months_between(ms(2024, 1), ms(2026, 1)).is_none());
    }

    #[test]
    fn a_destination_is_the_same_only_when_the_details_show_it() {
        let iban = "DE89370400440532013000";
        let sepa = |seen| same_destination("sepa.partner_transfer", iban, seen);
        assert_eq!(sepa(Some(iban)), Some(true));
        assert_eq!(sepa(Some("de89 3704 0044 0532 0130 00")), Some(true));
        assert_eq!(sepa(Some("DE89370400440532013001")), Some(false));
        assert_eq!(sepa(Some("")), None);
        assert_eq!(sepa(None), None);
        let addr = "0xAbC0000000000000000000000000000000000001";
        let crypto = |seen| same_destination("crypto.partner_withdrawal", addr, seen);
        assert_eq!(crypto(Some(addr)), Some(true));
        // The same hex address, or two base58 addresses: not decided.
        let lower = addr.to_lowercase();
        assert_eq!(crypto(Some(&lower)), None);
        assert_eq!(
            crypto(Some("0xdef0000000000000000000000000000000000002")),
            Some(false)
        );
    }
}
