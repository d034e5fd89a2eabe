//! Masking of secrets in every text the SDK keeps from a server or from serde: raw bodies,
//! server messages, decode messages. One function, [`mask_secrets`], that every such text
//! passes through (DESIGN principle 8).
//!
//! It does not trust the text to be JSON. It scans it token by token, in rounds repeated until
//! nothing changes (so masking is idempotent), in linear time:
//!
//! * **keyed values**: a key (`"cvv"`, `'pin'`, `cardNumber`, any case, `_`/`-` ignored,
//!   `\u` escapes decoded) followed by `:` or `=` has its value replaced by `"[REDACTED]"`,
//!   whatever the value is (string, number, object, array, bare word) — in valid JSON, in
//!   broken JSON (cut short, trailing garbage), with duplicate keys, nested at any depth, in
//!   JSON escaped inside a string, and in `key=value` text. `null`, `true` and `false` stay.
//!   `Bearer <token>` is one value. A bare value stops where the next secret key starts
//!   (`cvv=\npin: 5813`, `cvv=987pin=5813`).
//! * **loose keys**: a secret key word followed by `:` or `=`, whatever quotes, backslashes or
//!   escapes surround them, has the word after it masked — for keys and values that a stray
//!   quote put on different sides of a string boundary (`x"{"cvv":"987"}`,
//!   `"\"pin = "5813"`). This pass writes `[REDACTED]` without quotes; where the keyed pass
//!   sees the key it quotes it, so valid JSON stays valid.
//! * **other formats**: an XML element named as a secret (`<cvv>987</cvv>`, `<newPin>`, with a
//!   namespace prefix, attributes or CDATA; the name whole or from a word's start, so `<span>`
//!   is no PAN) has its text masked up to its closing tag, never across a JSON string; in a
//!   name/value pair (`{"name":"cvv","value":"987"}`, `{"field":"card.cvv","rejectedValue":…}`,
//!   in either order, over nested objects; `{"loc":["body","cvv"],"input":"987"}`, a path
//!   array naming the field by its last element) the value member is masked when the name so
//!   names a secret; in URL-encoded text a secret key followed by `%3D` or `%3A` has its value
//!   masked up to the next escaped delimiter (`pin%3D5813%26…`, `%22cvv%22%3A+%22987%22`), in
//!   place; HTML-escaped quotes (`&quot;`) count as quotes.
//! * **prose**: a CVV's, PIN's or OTP's name as a word, then (after any whitespace, at most two
//!   of `is`, `was`, `code`, a `:` and a quote) a number of 3 to 8 digits standing alone, and
//!   the 3- or 4-digit groups after it: `cvv 123`, `your PIN code is 9876`, `OTP 123 456`. A
//!   postal "PIN 560001" is masked too.
//! * **card-number shapes**: 12 or more digits, alone or in groups joined by single spaces or
//!   dashes (`4111 1111 1111 1111`, `4111-1111-…`), not part of a word or of a decimal number,
//!   keep only their last 4 digits. Only when the number passes the Luhn check: groups two
//!   spaces apart, or joined by dots or by a no-break, thin or narrow no-break space; and the
//!   digits before the fraction of a JSON number (`4111111111111111.0`). A UUID (`8-4-4-4-12`
//!   hex digits, RFC 4122 variant) is an id, and an IBAN in groups (`DE62 3704 …`) an account:
//!   never a card number nor part of one.
//!
//! Before the passes, a `\u` escape of an ASCII letter or digit (`\u0034` for `4`), or of one of
//! those spaces (`\u0020`, `\u00a0`), is written as that character, so that an escaped card
//! number or PIN is seen (the same JSON). Everything else is kept byte for byte, so the ids of
//! an accepted operation are never lost.

/// The replacement of a masked value.
pub const REDACTED: &str = "[REDACTED]";

/// Key names whose values are secrets, normalised (lower case, without `_`, `-`, `.`, spaces).
/// A key matches when its normalised form ends with one of these (`newPin`, `userBirthDate`,
/// `idDocumentNumber`, `x-api-key`).
const SECRET_KEYS: &[&str] = &[
    "cardnumber",
    "pan",
    "cvv",
    "cvv2",
    "cvc",
    "cvc2",
    "securitycode",
    "pin",
    "pincode",
    "documentnumber",
    "useridentificationnumber",
    "identificationnumber",
    "pesel",
    "taxid",
    "taxnumber",
    "birthdate",
    "birthday",
    "dateofbirth",
    "dob",
    "passportnumber",
    "idnumber",
    "nationalid",
    "birthdt",
    "datebirth",
    "birth",
    "otp",
    "threedscode",
    "3dscode",
    "threedsecurecode",
    "otpcode",
    "verificationcode",
    "smscode",
    "onetimecode",
    "passcode",
    "authcode",
    "activationcode",
    "cvvcode",
    "cvvnumber",
    "cvv2code",
    "cvc2code",
    "cvcnumber",
    "cvccode",
    "cardverification",
    "cardverificationcode",
    "pinnumber",
    "apikey",
    "authorization",
    "token",
    "secret",
    "password",
];

/// The wire names of the models' secret fields (type [`crate::SecretString`]) as the SDK writes
/// them, in replies and webhook events: what a binding whose results are plain JSON objects
/// hides from printing (the npm package makes them non-enumerable). `core/tests/openapi.rs`
/// checks the list against the models' schemas, so a new secret field cannot be left out.
pub const SECRET_FIELDS: &[&str] = &[
    "cardNumber",
    "cvv",
    "pin",
    "documentNumber",
    "userIdentificationNumber",
    "pesel",
    "taxId",
    "birthDate",
    "code",
];

/// How deep JSON escaped inside strings is followed.
const MAX_DEPTH: usize = 4;

/// True when `key` names a secret (the list `SECRET_KEYS` of this module).
/// Brackets and an index after the name count for nothing (`card[cvv]`, `pin[0]`, `cvv2`).
pub fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '[' | ']'))
        .flat_map(char::to_lowercase)
        .collect();
    let k = k.trim_end_matches(|c: char| c.is_ascii_digit());
    // A suffix that only says "the value of" (`cvvValue`, `dob_str`) names the same secret.
    let k = ["value", "string", "str", "text"]
        .iter()
        .find_map(|s| k.strip_suffix(s).filter(|rest| !rest.is_empty()))
        .unwrap_or(k);
    !k.is_empty() && (SECRET_KEYS.iter().any(|s| k.ends_with(s)) || SECRET_KEYS_WHOLE.contains(&k))
}

/// Short names of secrets that only match as the whole key (`passport_no`, `id_no`, `csc`):
/// `transferIdNo` or `invoiceDocNo` is an id.
const SECRET_KEYS_WHOLE: &[&str] = &[
    "passportno",
    "documentno",
    "docno",
    "idno",
    "csc",
    "cvn",
    "cvd",
    "cardcode",
];

/// Shortest secret [`without_secret`] replaces: a shorter one (a test key such as `"k"`, a
/// sandbox key) could also be part of an id, which must survive.
const MIN_EXACT_SECRET: usize = 16;

/// `text` with every occurrence of one known secret (the client's API key, echoed by a server
/// or a proxy) replaced by `[REDACTED]`, wherever it stands, also as JSON writes it when it
/// escapes `/` (`\/`). A secret shorter than 16 characters (a test key) could also be part of
/// an id: it is replaced only where it stands as a token of its own, as [`without_values`]
/// does, and one shorter than 8 not at all (it would take common words with it).
pub fn without_secret(text: &str, secret: &str) -> String {
    if secret.len() < MIN_EXACT_SECRET {
        return if secret.chars().count() >= MIN_TOKEN_SECRET {
            without_values(text, &[secret.to_string()])
        } else {
            text.to_string()
        };
    }
    let mut out = text.replace(secret, REDACTED);
    if secret.contains('/') {
        out = out.replace(&secret.replace('/', "\\/"), REDACTED);
    }
    out
}

/// Shortest API key [`without_secret`] replaces as a token.
const MIN_TOKEN_SECRET: usize = 8;

/// Shortest value [`without_values`] replaces (a 4-digit PIN).
const MIN_SENT_VALUE: usize = 4;

/// `text` with each of `values` (secrets the call itself sent: a PIN, a document number, a date
/// of birth) replaced by `[REDACTED]` wherever it stands as a token of its own, not inside a
/// longer word or number: a server's free text (`"pin 5555 is too simple"`) can quote what it
/// was sent, and no key name marks it there. Values shorter than 4 characters are left alone.
/// A token is bounded by anything but a letter, a digit, `-` or `_`: a dash-separated segment of
/// an id (`833359e8-5555-4c01-…`, `req_…`) is part of that id, which must stay readable (a
/// reply's `cardId` is how an accepted call is found again). ASCII letters match in any case (a
/// server may upper-case a document number), and a `/` also as JSON may escape it (`\/`).
pub fn without_values(text: &str, values: &[String]) -> String {
    let mut out = text.to_string();
    for v in values
        .iter()
        .filter(|v| v.chars().count() >= MIN_SENT_VALUE)
    {
        out = replace_tokens(&out, v);
        if v.contains('/') {
            out = replace_tokens(&out, &v.replace('/', "\\/"));
        }
        for form in date_forms(v) {
            out = replace_tokens(&out, &form);
        }
    }
    out
}

/// The other ways a server may write back a date it was sent as `YYYY-MM-DD` (a birth date):
/// `15.05.1990`, `1990/05/15`, `15/05/1990`, `05/15/1990`, `19900515`, `1990.05.15`,
/// `15-05-1990`, the same without leading zeros (`5.5.1990`, `1990-5-5`, `5/5/1990`), Jackson's
/// array `[1990,5,15]` (brackets included), and its midnight UTC as Unix seconds and
/// milliseconds (`642729600`, `642729600000`). None for any other value.
fn date_forms(v: &str) -> Vec<String> {
    let (Some(y), Some(m), Some(d)) = (v.get(0..4), v.get(5..7), v.get(8..10)) else {
        return Vec::new();
    };
    if !is_date(v) {
        return Vec::new();
    }
    let (mu, du) = (m.trim_start_matches('0'), d.trim_start_matches('0'));
    let mut forms = vec![
        format!("{d}.{m}.{y}"),
        format!("{y}/{m}/{d}"),
        format!("{d}/{m}/{y}"),
        format!("{m}/{d}/{y}"),
        format!("{y}{m}{d}"),
        format!("{y}.{m}.{d}"),
        format!("{d}-{m}-{y}"),
        format!("[{y},{mu},{du}]"),
        format!("[{y}, {mu}, {du}]"),
    ];
    if (mu, du) != (m, d) {
        forms.extend([
            format!("{du}.{mu}.{y}"),
            format!("{du}/{mu}/{y}"),
            format!("{mu}/{du}/{y}"),
            format!("{y}-{mu}-{du}"),
            format!("{y}/{mu}/{du}"),
            format!("{du}-{mu}-{y}"),
        ]);
    }
    let midnight = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp());
    // Not for days near 1970-01-01, whose Unix times (`0`, `86400`) are ordinary numbers.
    if let Some(seconds) = midnight.filter(|s| s.unsigned_abs() >= 10_000_000) {
        forms.push(seconds.to_string());
        forms.push((seconds * 1000).to_string());
    }
    forms
}

/// `YYYY-MM-DD`.
fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn replace_tokens(text: &str, v: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    // ASCII lower case keeps every byte where it was: the indices found in `folded` are the
    // ones of `text`.
    let (folded, v_folded) = (text.to_ascii_lowercase(), v.to_ascii_lowercase());
    if !folded.contains(&v_folded) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, _) in folded.match_indices(&v_folded) {
        let end = i + v.len();
        let (Some(head), Some(gap), Some(tail)) =
            (text.get(..i), text.get(last..i), text.get(end..))
        else {
            continue;
        };
        out.push_str(gap);
        // A date sent (a birth date) also stands as a token before a time: `1990-05-17T00:00Z`.
        let date_then_time = is_date(v) && tail.starts_with('T');
        let token = (!word(head.chars().next_back())
            || escaped_boundary(head, word)
            || named_by_secret_key(head))
            && (date_then_time || !word(tail.chars().next()));
        out.push_str(if token {
            REDACTED
        } else {
            text.get(i..end).unwrap_or(v)
        });
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// Does `head` (the text before a value) end with an escape of a character that bounds a
/// token: a JSON escape (`\u0022`, .NET's way of writing a quote; `\n`, `\t`) or a percent
/// escape (`%22`, `%3D`, `%20`) of a character that is not `word`. A server quoting a PIN it was
/// sent writes `\u00225813\u0022`, and the `2` before the PIN is no part of it.
fn escaped_boundary(head: &str, word: impl Fn(Option<char>) -> bool) -> bool {
    let b = head.as_bytes();
    let n = b.len();
    let at = |k: usize| n.checked_sub(k).and_then(|i| b.get(i).copied());
    // An escape starts `k` bytes from the end when an odd number of backslashes runs up to it
    // (`\\n` is a backslash and an `n`).
    let escape_at = |k: usize| {
        b.get(..n.saturating_sub(k - 1))
            .is_some_and(|h| h.iter().rev().take_while(|c| **c == b'\\').count() % 2 == 1)
    };
    let hex = |k: usize| {
        head.get(n.saturating_sub(k)..n)
            .filter(|h| h.len() == k && h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    if at(6) == Some(b'\\') && at(5) == Some(b'u') && escape_at(6) {
        if let Some(code) = hex(4) {
            return !word(char::from_u32(code));
        }
    }
    if matches!(at(1), Some(b'n' | b't' | b'r' | b'b' | b'f'))
        && at(2) == Some(b'\\')
        && escape_at(2)
    {
        return true;
    }
    if at(3) == Some(b'%') {
        if let Some(code) = hex(2) {
            return !word(char::from_u32(code));
        }
    }
    false
}

/// Does `head` (the text before a value) end with a word naming a secret joined to the value
/// by `_` or `-` (`pin_`, `card-pin-`)? Such a value is a token of its own (`pin_7319`), where
/// another word before the joint (`req_`, an id's hex segment) makes the value part of an id.
fn named_by_secret_key(head: &str) -> bool {
    let Some(key) = head.strip_suffix(['_', '-']) else {
        return false;
    };
    let mut word: Vec<char> = key
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || matches!(c, '_' | '-'))
        .collect();
    // The char before the word: a digit there glues it to more (`x9pin_`, an id).
    let glued = key.chars().rev().nth(word.len());
    word.reverse();
    let word: String = word.into_iter().collect();
    !glued.is_some_and(char::is_alphanumeric) && is_secret_key(&word)
}

/// Is `key`, in a request body, a secret field: one of [`SECRET_FIELDS`], or any name
/// [`is_secret_key`] takes for a secret's (`activationCode`, `threeDsCode`, `PIN`)?
fn is_sent_secret(key: &str) -> bool {
    SECRET_FIELDS.contains(&key) || is_secret_key(key)
}

/// The values of the secret fields (one of [`SECRET_FIELDS`], or any name [`is_secret_key`]
/// takes for a secret's) anywhere in a JSON request body, as text: what [`without_values`]
/// keeps out of the errors of that request.
pub fn secret_values(body: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
        if depth > 16 {
            return;
        }
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) if is_sent_secret(k) => out.push(s.clone()),
                        serde_json::Value::Number(n) if is_sent_secret(k) => {
                            out.push(n.to_string())
                        }
                        other => walk(other, depth + 1, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, depth + 1, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(body, 0, &mut out);
    out
}

/// `text` with every secret masked (see the module docs). Idempotent.
pub fn mask_secrets(text: &str) -> String {
    mask_rounds(text)
}

/// Masking rounds until nothing changes.
fn mask_rounds(text: &str) -> String {
    // One round can leave work for the next (a string the keyed pass re-encodes reads
    // differently to the loose pass): rounds repeat until nothing changes, so masking is
    // idempotent. Text without secrets takes one round that changes nothing.
    let mut current = mask_round(text);
    if current == text {
        return current;
    }
    for _ in 0..MAX_ROUNDS {
        let next = mask_round(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// Most extra rounds of [`mask_secrets`].
const MAX_ROUNDS: usize = 8;

/// One round of masking: escaped letters and digits written out, then loose, keyed, loose
/// again, card numbers. Loose before the keyed pass
/// too: a key whose value the keyed pass swallows into another (a stray quote, an unbalanced
/// bracket) is still seen by its word.
fn mask_round(text: &str) -> String {
    mask_card_numbers(&mask_prose(&mask_loose(&mask_keyed(
        &mask_loose(&mask_xml(&unescape_alphanumerics(text))),
        0,
    ))))
}

/// Names of the short numeric secrets that prose writes before the number itself, with no `:`
/// or `=` between (`card 4111… cvv 123 pin 9876`, `your OTP 482913`).
const PROSE_SECRETS: &[&str] = &["cvv", "cvv2", "cvc", "cvc2", "csc", "cvn", "pin", "otp"];

/// The words that may stand between such a name and its number (`pin is 9876`, `PIN code is
/// 1234`), at most two of them.
const PROSE_JOINS: &[&str] = &["is", "was", "code"];

/// Quotes that may open the number (`PIN is "9876"`, `“9876”`).
const PROSE_QUOTES: &[char] = &['"', '\'', '“', '‘', '«', '„', '`'];

/// The prose pass: one of [`PROSE_SECRETS`] as a whole word (any case), then whitespace (any
/// kind, a line end too, also JSON's `\n`), at most two of [`PROSE_JOINS`], an optional `:` and an optional
/// opening quote, then a number of 3 to 8 digits standing alone: what follows it is no letter
/// or digit, nor a `-`, `_`, `.`, `,` or `/` joined to more (`pin 2024-05-01` is a date,
/// `pin 12.50` an amount). The number is masked, and so are the groups of 3 or 4 digits that
/// follow it, one space apart (`OTP 123 456`). Outside review, stop 49: a reply's
/// "cvv 123 pin 9876" printed in clear. Also a postal "PIN 560001" (India's postal codes): a
/// number named so is taken for the secret.
fn mask_prose(text: &str) -> String {
    let b = text.as_bytes();
    // The character at byte `k` (a character boundary), if any.
    let at = |k: usize| slice(text, k..).chars().next();
    // Whitespace, also as JSON escapes it inside a string (`\n`, `\t`, `\r`): raw bodies are
    // JSON.
    let spaces = |mut k: usize| loop {
        match at(k) {
            Some('\\') if matches!(b.get(k + 1), Some(b'n' | b't' | b'r')) => k += 2,
            Some(c) if c.is_whitespace() => k += c.len_utf8(),
            _ => return k,
        }
    };
    let digits = |mut k: usize| {
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        k
    };
    // Does a number ending at `k` stand alone?
    let alone = |k: usize| match at(k) {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('-' | '_' | '.' | ',' | '/') => !at(k + 1).is_some_and(char::is_alphanumeric),
        Some(_) => true,
    };
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let starts_word =
            b.get(i).is_some_and(u8::is_ascii_alphabetic) && !prev(b, i).is_some_and(is_word_byte);
        if !starts_word {
            i += 1;
            continue;
        }
        let mut j = i;
        while b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        let word = slice(text, i..j);
        if !PROSE_SECRETS.iter().any(|s| s.eq_ignore_ascii_case(word)) {
            i = j;
            continue;
        }
        let mut from = spaces(j);
        for _ in 0..2 {
            let join = PROSE_JOINS.iter().find(|w| {
                let end = from + w.len();
                slice(text, from..end).eq_ignore_ascii_case(w)
                    && at(end).is_some_and(|c| c.is_whitespace() || c == ':')
            });
            match join {
                Some(w) => from = spaces(from + w.len()),
                None => break,
            }
        }
        if b.get(from) == Some(&b':') {
            from = spaces(from + 1);
        }
        // An opening quote, also escaped as JSON writes it inside a string (`\"9876\"`).
        if b.get(from) == Some(&b'\\') && matches!(b.get(from + 1), Some(b'"' | b'\'')) {
            from += 2;
        } else if let Some(q) = at(from).filter(|c| PROSE_QUOTES.contains(c)) {
            from += q.len_utf8();
        }
        let mut to = digits(from);
        if from == j || !(3..=8).contains(&(to - from)) || !alone(to) {
            i = j;
            continue;
        }
        // Further groups: `123 456`.
        while b.get(to) == Some(&b' ') {
            let end = digits(to + 1);
            if !(3..=4).contains(&(end - to - 1)) || !alone(end) {
                break;
            }
            to = end;
        }
        out.push_str(slice(text, copied..from));
        out.push_str(REDACTED);
        copied = to;
        i = to;
    }
    if copied == 0 {
        return text.to_string();
    }
    out.push_str(slice(text, copied..));
    out
}

/// Is `name` exactly a secret's name (one of [`SECRET_KEYS`] once normalised: `cvv`, `PIN`,
/// `card_number`)? For names that stand alone (an XML element, the name of a name/value
/// pair), where the suffix rule of [`is_secret_key`] would take `span` or `Japan` for a PAN.
fn is_secret_name(name: &str) -> bool {
    // The last segment of a path (`card.cvv`, `/card/cvv`, `card[cvv]`, `ns:pin`).
    let Some(last) = name
        .split(['.', '/', ':', '[', ']'])
        .rfind(|s| !s.trim().is_empty())
    else {
        return false;
    };
    // The whole segment, or its end from a word's start (`newPin`, `access_token`,
    // `x-api-key`): never a part of a word (`span`, `Japan`).
    let chars: Vec<(usize, char)> = last.char_indices().collect();
    let starts = chars.iter().enumerate().filter_map(|(n, &(at, c))| {
        let before = n.checked_sub(1).and_then(|p| chars.get(p)).map(|&(_, p)| p);
        let word_start = match before {
            None => true,
            Some(p) => matches!(p, '_' | '-') || (c.is_uppercase() && p.is_lowercase()),
        };
        word_start.then_some(at)
    });
    starts
        .filter_map(|at| last.get(at..))
        .any(|tail| SECRET_KEYS.contains(&normalised(tail).as_str()))
}

/// Longest start tag (name and attributes) [`mask_xml`] reads.
const MAX_TAG: usize = 256;

/// The XML pass: the text of an element named exactly as a secret (`<cvv>987</cvv>`,
/// `<ns2:pin a="1"> 58 13 </ns2:pin>`, `<cvv><![CDATA[987]]></cvv>`) is masked up to its
/// closing tag. Text without a closing tag comes back as it is.
fn mask_xml(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("</") && !text.contains("<\\/") {
        return text.into();
    }
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    let mut cdata_closes = true;
    while let Some(lt) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        let start = i + lt;
        i = start + 1;
        let name_end = (start + 1..b.len())
            .find(|&k| {
                !b.get(k)
                    .is_some_and(|&c| is_word_byte(c) || matches!(c, b':' | b'.'))
            })
            .unwrap_or(b.len());
        let name = slice(text, start + 1..name_end);
        let local = name.rsplit(':').next().unwrap_or_default();
        if local.is_empty() || !is_secret_name(local) {
            continue;
        }
        // The end of the start tag: its attributes, if any, hold no `<`; `<cvv/>` has no text.
        let Some(gt) = (name_end..b.len().min(name_end + MAX_TAG))
            .take_while(|&k| b.get(k) != Some(&b'<'))
            .find(|&k| b.get(k) == Some(&b'>'))
        else {
            continue;
        };
        if prev(b, gt) == Some(b'/') {
            continue;
        }
        let open = gt + 1;
        let rest = slice(text, open..);
        let (from, to, after) = if let Some(data) = rest.strip_prefix("<![CDATA[") {
            // Searched once: after a CDATA that does not close, none closes (linear).
            let end = if cdata_closes { data.find("]]>") } else { None };
            let Some(end) = end else {
                cdata_closes = false;
                continue;
            };
            (open + 9, open + 9 + end, open + 9 + end + 3)
        } else {
            let end = rest.find('<').map_or(b.len(), |e| open + e);
            (open, end, end)
        };
        let value = slice(text, from..to);
        // The closing tag (`<\\/cvv>` inside JSON written by PHP); text with a quote is no
        // element's text but JSON around it (`"<pin>","id":"pl-1","x":"</p>"`): left alone.
        let closed = ["</", "<\\/"]
            .iter()
            .any(|c| slice(text, after..).starts_with(c));
        if !closed || value.trim().is_empty() || value == REDACTED || value.contains('"') {
            continue;
        }
        out.push_str(slice(text, copied..from));
        out.push_str(REDACTED);
        copied = to;
        i = to;
    }
    if copied == 0 {
        return text.into();
    }
    out.push_str(slice(text, copied..));
    out.into()
}

/// Spaces that may join the digit groups of a card number: the space, the no-break space, the
/// figure space, the thin space and the narrow no-break space (what number formatting writes
/// between groups).
const GROUP_SPACES: [char; 5] = [' ', '\u{a0}', '\u{2007}', '\u{2009}', '\u{202f}'];

/// `text` with each `\u` escape of an ASCII letter or digit, or of a [`GROUP_SPACES`] space,
/// written as the character (`\u0034111…` and `4111\u00a01111…` are card numbers); an escaped
/// backslash before a `u` (`\\u0034`) is no escape. Text without such an escape comes back as
/// it is.
fn unescape_alphanumerics(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\u") {
        return text.into();
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            i += 1;
            continue;
        }
        let decoded = (b.get(i + 1) == Some(&b'u'))
            .then(|| b.get(i + 2..i + 6))
            .flatten()
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .filter(|c| c.is_ascii_alphanumeric() || GROUP_SPACES.contains(c));
        match decoded {
            Some(ch) => {
                out.push_str(slice(text, copied..i));
                out.push(ch);
                i += 6;
                copied = i;
            }
            // Any other escape, `\\` included, is skipped whole.
            None => i += 2,
        }
    }
    if copied == 0 {
        return text.into();
    }
    out.push_str(slice(text, copied..));
    out.into()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

/// Index just past the string starting at `start` (a quote), and its decoded content.
fn scan_string(b: &[u8], text: &str, start: usize) -> (usize, String) {
    let quote = b.get(start).copied().unwrap_or(b'"');
    let mut i = start + 1;
    let mut escaped = false;
    while let Some(&c) = b.get(i) {
        if escaped {
            escaped = false;
        } else if c == b'\\' {
            escaped = true;
        } else if c == quote {
            let raw = slice(text, start + 1..i);
            return (i + 1, unescape(raw));
        }
        i += 1;
    }
    // Unterminated: the string runs to the end of the text.
    (b.len(), unescape(slice(text, start + 1..)))
}

/// `text[range]`, or `""` when the range is out of bounds or not on character boundaries. The
/// scanners here only cut next to ASCII bytes (quotes, delimiters, whitespace), which are
/// always character boundaries: this never loses text, and never panics.
fn slice<R: std::slice::SliceIndex<str, Output = str>>(text: &str, range: R) -> &str {
    text.get(range).unwrap_or_default()
}

/// Decodes JSON string escapes leniently (invalid escapes are kept as written).
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Index just past the value starting at `start`: a string, a balanced object or array, or a
/// bare word (up to a delimiter).
fn scan_value(b: &[u8], text: &str, start: usize) -> usize {
    let Some(&first) = b.get(start) else {
        return start;
    };
    match first {
        b'"' | b'\'' => scan_string(b, text, start).0,
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            while let Some(&c) = b.get(i) {
                match c {
                    b'"' | b'\'' => {
                        i = scan_string(b, text, i).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            let end = bare_end(b, start);
            // `Authorization: Bearer <token>`: the scheme and its credentials are one value.
            let word = slice(text, start..end);
            if AUTH_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) {
                let mut next = end;
                while matches!(b.get(next), Some(b' ' | b'\t')) {
                    next += 1;
                }
                if next > end {
                    if let Some(params_end) = auth_params_end(b, text, next) {
                        return params_end;
                    }
                }
                if next > end && bare_end(b, next) > next {
                    return bare_end(b, next);
                }
            }
            end
        }
    }
}

/// The end of HTTP auth-params after a scheme (`Digest username="u", response="…"`: RFC 9110's
/// comma-separated `name=value` list, a value a token or a quoted string), when `start` begins
/// one. Each step moves forward: linear.
fn auth_params_end(b: &[u8], text: &str, start: usize) -> Option<usize> {
    let name_char = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_');
    let token_char = |c: &u8| c.is_ascii_graphic() && !matches!(c, b',' | b'"' | b';' | b'\\');
    let past = |from: usize, ok: &dyn Fn(&u8) -> bool| {
        (from..b.len())
            .find(|&k| !b.get(k).is_some_and(ok))
            .unwrap_or(b.len())
    };
    let mut i = start;
    let mut end = None;
    loop {
        let name_end = past(i, &name_char);
        if name_end == i || b.get(name_end) != Some(&b'=') {
            break;
        }
        let v = name_end + 1;
        let vend = match (b.get(v), b.get(v + 1)) {
            (Some(b'"'), _) => scan_string(b, text, v).0,
            // Inside a JSON string the quotes are escaped: `response=\"…\"`.
            // Looked for within 1 KiB (linear time); none there: no value.
            (Some(b'\\'), Some(b'"')) => b
                .get(v + 2..b.len().min(v + 2 + 1024))
                .and_then(|rest| rest.windows(2).position(|w| w == b"\\\""))
                .map_or(v, |k| v + 2 + k + 2),
            _ => past(v, &token_char),
        };
        if vend == v {
            break;
        }
        end = Some(vend);
        let j = past(vend, &|c| matches!(c, b' ' | b'\t'));
        if b.get(j) != Some(&b',') {
            break;
        }
        i = past(j + 1, &|c| matches!(c, b' ' | b'\t'));
    }
    end
}

/// Authorization schemes whose credentials follow after a space.
const AUTH_SCHEMES: &[&str] = &["bearer", "basic", "digest", "token"];

/// Index just past the bare word starting at `start` (up to a delimiter or whitespace).
fn bare_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    while b.get(i).is_some_and(|&c| {
        !matches!(c, b',' | b';' | b'&' | b'}' | b']' | b'"' | b'\'' | b'<')
            && !c.is_ascii_whitespace()
    }) {
        i += 1;
    }
    i
}

/// The keyed pass (see the module docs).
fn mask_keyed(text: &str, depth: usize) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // A key found glued to the end of a word (see `secret_key_inside`) starts here.
    let mut key_at = None;
    while let Some(&c) = b.get(i) {
        let (end, key) = if c == b'"' || c == b'\'' {
            scan_string(b, text, i)
        } else if is_word_byte(c) && (key_at == Some(i) || !prev(b, i).is_some_and(is_word_byte)) {
            let mut j = i;
            while b.get(j).copied().is_some_and(is_word_byte) {
                j += 1;
            }
            (j, slice(text, i..j).to_string())
        } else {
            i += 1;
            continue;
        };
        let mut after = skip_ws(b, end);
        if c != b'"' && c != b'\'' && matches!(b.get(end), Some(b'"' | b'\'')) {
            // A word right before a quote and a `:` is a key whose opening quote the scan took
            // for the end of a string: a stray quote earlier in the text (`x"{"cvv":"987"}`).
            let past_quote = skip_ws(b, end + 1);
            if matches!(b.get(past_quote), Some(b':' | b'=')) {
                after = past_quote;
            }
        }
        let is_key = matches!(b.get(after), Some(b':' | b'='));
        if is_key
            && (is_secret_key(&key)
                || (is_value_key(&key) && pair_names_secret(b, text, i))
                || (is_code_key(&key) && inside_security(b, text, i)))
        {
            if c == b'"' || c == b'\'' {
                // The key's own text may hold JSON that names a secret before the name that
                // ends it (`'{"cvv":{"value":"999"}}cvv': …`): it is masked as any string is.
                mask_inside(text, (i, end), &key, depth, &mut out, &mut copied);
            }
            let vstart = skip_ws(b, past_separator(b, after));
            if is_quoted_secret_key(b, text, vstart) {
                // `cvv="pin": 5813`: the "value" is the next secret key; it is masked in turn.
                i = vstart;
                continue;
            }
            let bare = !matches!(b.get(vstart), Some(b'"' | b'\'' | b'{' | b'['));
            if let Some(next_key) = bare
                .then(|| bare_value(b, text, vstart, b"").err())
                .flatten()
            {
                // `cvv=\npin: 5813`, `cvv=x;pin: 5813`, `cvv=987pin=5813`: a bare "value" that
                // runs into the next secret key ends where that key starts; the key is masked
                // in turn.
                if next_key > vstart {
                    out.push_str(slice(text, copied..vstart));
                    out.push('"');
                    out.push_str(REDACTED);
                    out.push('"');
                    copied = next_key;
                }
                i = next_key;
                key_at = Some(next_key);
                continue;
            }
            let vend = scan_value(b, text, vstart);
            let value = slice(text, vstart..vend);
            if !matches!(value, "null" | "true" | "false") && !value.is_empty() {
                out.push_str(slice(text, copied..vstart));
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
                copied = vend;
            }
            i = vend.max(end);
            continue;
        }
        if c == b'"' || c == b'\'' {
            // A string (a value, or a key that is not a secret's): it may hold escaped JSON or
            // `key=value` text of its own.
            mask_inside(text, (i, end), &key, depth, &mut out, &mut copied);
        }
        i = end;
    }
    out.push_str(slice(text, copied..));
    out
}

/// Masks the text of the quoted string at `start..end` of `text` (`inner`, its unescaped
/// text) as a text of its own, one level deeper, and writes it over the string in `out` when
/// it changed (`copied`: how much of `text` is in `out`).
fn mask_inside(
    text: &str,
    (start, end): (usize, usize),
    inner: &str,
    depth: usize,
    out: &mut String,
    copied: &mut usize,
) {
    if depth >= MAX_DEPTH || inner.len() <= 2 {
        return;
    }
    let masked = mask_keyed(inner, depth + 1);
    if masked != inner {
        out.push_str(slice(text, *copied..start));
        out.push_str(&serde_json::Value::String(masked).to_string());
        *copied = end;
    }
}

/// Normalised names of the member that names a field in a name/value pair
/// (`{"name":"cvv","value":"987"}`, `{"field":"pin","rejectedValue":…}`).
const PAIR_NAMES: &[&str] = &[
    "name",
    "loc",
    "key",
    "field",
    "fieldname",
    "param",
    "parameter",
    "attribute",
    "property",
    "path",
    "label",
    "type",
];

/// `key` normalised as [`is_secret_key`] normalises (lower case, without `_`, `-`, `.`, spaces).
fn normalised(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Is `key` the value member of a name/value pair (`value`, `rejectedValue`, `val`)? Exact
/// names: `estimatedValue` is a value of its own.
fn is_value_key(key: &str) -> bool {
    matches!(
        normalised(key).as_str(),
        "value"
            | "val"
            | "rejectedvalue"
            | "fieldvalue"
            | "providedvalue"
            | "inputvalue"
            | "input"
            | "received"
    )
}

/// How far around a pair's value member [`pair_names_secret`] looks for its name member.
const PAIR_REACH: usize = 256;

/// Is `key` a member that holds the code itself in an object named for a card's security code
/// (`{"security":{"code":"987"}}`, `{"cardSecurity":{"value":"987"}}`)?
fn is_code_key(key: &str) -> bool {
    matches!(
        normalised(key).as_str(),
        "code" | "value" | "number" | "digits"
    )
}

/// The `{` that opens the object around index `at` (within [`PAIR_REACH`] bytes back), over the
/// objects nested in it before `at`.
fn opening_brace(b: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    (at.saturating_sub(PAIR_REACH)..at).rev().find(|&k| {
        match b.get(k) {
            Some(b'}') => depth += 1,
            Some(b'{') if depth == 0 => return true,
            Some(b'{') => depth -= 1,
            _ => {}
        }
        false
    })
}

/// Is the object around index `at` the value of a key whose name ends with `security`
/// (`"security": {…}`, `card_security={…}`)? Objects nested in it between its `{` and `at`
/// are passed over; a `security` object holding other objects names only its own members.
fn inside_security(b: &[u8], text: &str, at: usize) -> bool {
    let Some(open) = opening_brace(b, at) else {
        return false;
    };
    let mut k = open;
    while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
        k -= 1;
    }
    // An object of a list (`"security": [{…}, {"code": …}]`) is the list's: back over the
    // elements before it to the list's `[` (within reach, not out of another object).
    if k >= 1 && b.get(k - 1) == Some(&b',') {
        let mut depth = 0usize;
        let open_list = (k.saturating_sub(PAIR_REACH)..k - 1).rev().find_map(|j| {
            match b.get(j) {
                Some(b'}' | b']') => depth += 1,
                Some(b'{' | b'[') if depth > 0 => depth -= 1,
                Some(b'[') => return Some(Some(j + 1)),
                Some(b'{') => return Some(None),
                _ => {}
            }
            None
        });
        match open_list.flatten() {
            Some(j) => k = j,
            None => return false,
        }
    }
    if k >= 1 && b.get(k - 1) == Some(&b'[') {
        k -= 1;
        while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
            k -= 1;
        }
    }
    // The separator (`:`, `=` or `=>`) before the object, then the key's end.
    if k >= 2 && b.get(k - 2) == Some(&b'=') && b.get(k - 1) == Some(&b'>') {
        k -= 2;
    } else if k >= 1 && matches!(b.get(k - 1), Some(b':' | b'=')) {
        k -= 1;
    } else {
        return false;
    }
    while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
        k -= 1;
    }
    let name = match k.checked_sub(1).and_then(|q| b.get(q).map(|&c| (q, c))) {
        // A quoted key: back to its opening quote (one not escaped by a backslash).
        Some((q, quote @ (b'"' | b'\''))) => (0..q)
            .rev()
            .find(|&j| b.get(j) == Some(&quote) && (j == 0 || b.get(j - 1) != Some(&b'\\')))
            .and_then(|j| text.get(j + 1..q)),
        Some(_) => {
            let start = (0..k)
                .rev()
                .find(|&j| !b.get(j).copied().is_some_and(is_word_byte))
                .map_or(0, |j| j + 1);
            text.get(start..k)
        }
        None => None,
    };
    name.is_some_and(|n| normalised(n).ends_with("security"))
}

/// Does the object around index `at` (within [`PAIR_REACH`] bytes each way, not across another
/// object's braces) name a secret in one of its [`PAIR_NAMES`] members (`"name": "cvv"`)?
fn pair_names_secret(b: &[u8], text: &str, at: usize) -> bool {
    // The object's braces, over the objects nested in it (`{"target":{…},"value":"5813",
    // "property":"pin"}`, class-validator's shape).
    let Some(lo) = opening_brace(b, at) else {
        return false;
    };
    let reach = b.len().min(at + PAIR_REACH);
    let mut depth = 0usize;
    let hi = (at..reach)
        .find(|&k| {
            match b.get(k) {
                Some(b'{') => depth += 1,
                Some(b'}') if depth == 0 => return true,
                Some(b'}') => depth -= 1,
                _ => {}
            }
            false
        })
        .unwrap_or(reach);
    let mut k = lo + 1;
    let mut depth = 0usize;
    while k < hi {
        match b.get(k) {
            Some(b'{') => depth += 1,
            Some(b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || !matches!(b.get(k), Some(b'"' | b'\'')) {
            k += 1;
            continue;
        }
        let (end, name) = scan_string(b, text, k);
        k = end;
        let colon = skip_ws(b, end);
        let mut v = skip_ws(b, colon + 1);
        if b.get(colon) != Some(&b':') {
            continue;
        }
        // A path as an array names the field by its last element (pydantic's `"loc":
        // ["body","cvv"]`, zod's `"path": ["user","birthDate"]`).
        let mut named = None;
        if b.get(v) == Some(&b'[') {
            let mut j = skip_ws(b, v + 1);
            while j < reach {
                // An index in the path (`["body","cards",0,"cvv"]`) names nothing.
                let jend = match b.get(j) {
                    Some(b'"' | b'\'') => {
                        let (jend, element) = scan_string(b, text, j);
                        named = Some(element);
                        jend
                    }
                    Some(c) if c.is_ascii_digit() => (j..b.len())
                        .find(|&k| !b.get(k).is_some_and(u8::is_ascii_digit))
                        .unwrap_or(b.len()),
                    _ => break,
                };
                j = skip_ws(b, jend);
                if b.get(j) != Some(&b',') {
                    break;
                }
                j = skip_ws(b, j + 1);
            }
            v = j;
        } else if matches!(b.get(v), Some(b'"' | b'\'')) {
            let (vend, value) = scan_string(b, text, v);
            named = Some(value);
            v = vend;
        }
        if let Some(value) = named {
            if PAIR_NAMES.contains(&normalised(&name).as_str()) && is_secret_name(&value) {
                return true;
            }
            k = v.max(k);
        }
    }
    false
}

/// Index past the separator at `at` (`:` or `=`, or Ruby's and PHP's `=>`).
fn past_separator(b: &[u8], at: usize) -> usize {
    if b.get(at) == Some(&b'=') && b.get(at + 1) == Some(&b'>') {
        at + 2
    } else {
        at + 1
    }
}

/// HTML escapes of quotes that [`mask_loose`] skips like the quotes they stand for.
const HTML_QUOTES: &[&str] = &["&quot;", "&#34;", "&#x22;", "&apos;", "&#39;", "&#x27;"];

/// The length of the HTML-escaped quote at byte `at`, 0 if none.
fn html_quote_len(text: &str, at: usize) -> usize {
    HTML_QUOTES
        .iter()
        .find(|n| starts_with_ci(text, at, n))
        .map_or(0, |n| n.len())
}

/// Percent escapes [`mask_loose`] skips like the characters they stand for: quotes, spaces, a
/// closing bracket.
const PERCENT_NOISE: &[&str] = &["%22", "%27", "%20", "%09", "%0a", "%0d", "%5d"];

/// Does `text` hold `what` (ASCII, any case) at byte `at`?
fn starts_with_ci(text: &str, at: usize, what: &str) -> bool {
    text.get(at..at + what.len())
        .is_some_and(|t| t.eq_ignore_ascii_case(what))
}

/// Is there a percent escape (`%` and two hex digits) at byte `at`?
fn is_escape(b: &[u8], at: usize) -> bool {
    b.get(at) == Some(&b'%')
        && b.get(at + 1..at + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
}

/// Escapes of delimiters that end a URL-encoded value (`&`, `,`, `;`, `}`, `]`, quotes); any
/// other escape (`%20`, `%2F`, `%2B`) is part of it (`correct%20horse`, a token's `%2F`).
const ENCODED_DELIMITERS: &[&str] = &["%26", "%2c", "%3b", "%7d", "%5d", "%22", "%27"];

/// The end of a URL-encoded value within `start..end`: the first escaped delimiter.
fn encoded_end(text: &str, start: usize, end: usize) -> usize {
    let b = text.as_bytes();
    (start..end)
        .find(|&k| {
            is_escape(b, k)
                && ENCODED_DELIMITERS
                    .iter()
                    .any(|d| starts_with_ci(text, k, d))
        })
        .unwrap_or(end)
}

/// Is there a percent-encoded `=` or `:` (`%3D`, `%3A`) at byte `at`?
fn percent_separator(text: &str, at: usize) -> bool {
    starts_with_ci(text, at, "%3d") || starts_with_ci(text, at, "%3a")
}

/// Index past a bracket after a word at `j`: the end of `card[cvv]` (`]`), or an index
/// (`pin[0]`, up to 8 characters); `j` itself when neither follows.
fn past_index(b: &[u8], j: usize) -> usize {
    match b.get(j) {
        Some(b']') => j + 1,
        Some(b'[') => (j + 1..b.len().min(j + 10))
            .take_while(|&k| {
                b.get(k)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b']')
            })
            .find(|&k| b.get(k) == Some(&b']'))
            .map_or(j, |k| k + 1),
        _ => j,
    }
}

/// The byte before index `i`, if any.
fn prev(b: &[u8], i: usize) -> Option<u8> {
    i.checked_sub(1).and_then(|p| b.get(p)).copied()
}

/// The end of the bare value that starts at `start`: up to whitespace or a delimiter (`,` `;`
/// `&` `}` `]` `"` `'` `<` and `extra`), as `Ok`. When a secret key followed by `:` or `=`
/// starts within it first (`x;pin: …`, `987pin=…`), where that key starts, as `Err`: the key
/// may be the end of a word, and starts at the shortest end of the word that names a secret.
/// Never looks past the first of these, so scanning a text stays linear.
fn bare_value(b: &[u8], text: &str, start: usize, extra: &[u8]) -> Result<usize, usize> {
    let delimiter = |c: u8| {
        c.is_ascii_whitespace()
            || matches!(c, b',' | b';' | b'&' | b'}' | b']' | b'"' | b'\'' | b'<')
            || extra.contains(&c)
    };
    let mut k = start;
    while let Some(&c) = b.get(k) {
        if delimiter(c) {
            return Ok(k);
        }
        // The value's first word starts at `start`, whatever comes before (`\ncard_number`).
        if !is_word_byte(c) || (k != start && prev(b, k).is_some_and(is_word_byte)) {
            k += 1;
            continue;
        }
        let mut j = k;
        while b.get(j).copied().is_some_and(is_word_byte) {
            j += 1;
        }
        let mut sep = j;
        while b
            .get(sep)
            .is_some_and(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\''))
        {
            sep += 1;
        }
        let word = slice(text, k..j);
        if matches!(b.get(sep), Some(b':' | b'=')) && is_secret_key(word) {
            // The shortest secret name at the end of the word, looked for among its last 64
            // characters (names are shorter; this keeps a huge word linear).
            let shortest = word
                .char_indices()
                .rev()
                .take(64)
                .find(|(p, _)| is_secret_key(word.get(*p..).unwrap_or_default()))
                .map_or(0, |(p, _)| p);
            return Err(k + shortest);
        }
        k = j;
    }
    Ok(k)
}

/// True when a quoted secret key followed by `:` or `=` starts at `i` (`cvv="pin": …`).
fn is_quoted_secret_key(b: &[u8], text: &str, i: usize) -> bool {
    if !matches!(b.get(i), Some(b'"' | b'\'')) {
        return false;
    }
    let (end, key) = scan_string(b, text, i);
    matches!(b.get(skip_ws(b, end)), Some(b':' | b'=')) && is_secret_key(&key)
}

/// The loose pass, after the keyed one: whatever the quotes around them, a secret key word
/// followed by `:` or `=` (quotes, backslashes and whitespace around them allowed) has the word
/// after it masked. It catches what the keyed pass cannot see when a stray quote or an escape
/// put the key and its value on different sides of a string boundary (`"\"pin = "5813"`).
fn mask_loose(text: &str) -> String {
    let b = text.as_bytes();
    // Whitespace, quotes and backslashes, with the escapes they start (`\t`, `\"`, `\u0020`).
    let skip_noise = |mut i: usize| loop {
        match b.get(i) {
            Some(c) if c.is_ascii_whitespace() || matches!(c, b'"' | b'\'') => i += 1,
            // Percent-encoded quotes, spaces and a closing bracket (`%22`, `%20`, `%5D`).
            Some(b'%') if PERCENT_NOISE.iter().any(|n| starts_with_ci(text, i, n)) => i += 3,
            // HTML-escaped quotes (JSON shown in an error page: `{&quot;cvv&quot;:…`).
            Some(b'&') if html_quote_len(text, i) > 0 => i += html_quote_len(text, i),
            // SQL's `Key (document_number)=(AB1234567)`.
            Some(b'(' | b')') => i += 1,
            Some(b'\\') => {
                i += match b.get(i + 1) {
                    Some(b'u')
                        if b.get(i + 2..i + 6)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                    {
                        6
                    }
                    Some(b'n' | b't' | b'r' | b'b' | b'f' | b'/' | b'\\' | b'"' | b'\'') => 2,
                    _ => 1,
                };
            }
            _ => return i,
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    let mut key_at = None;
    while let Some(&c) = b.get(i) {
        // A percent escape is one character: its hex digits start no word (`%22cvv` is the
        // word `cvv`), which also keeps a run of escapes linear.
        if c == b'%' && is_escape(b, i) {
            i += 3;
            key_at = Some(i);
            continue;
        }
        if !is_word_byte(c) || (key_at != Some(i) && prev(b, i).is_some_and(is_word_byte)) {
            i += 1;
            continue;
        }
        let mut j = i;
        while b.get(j).copied().is_some_and(is_word_byte) {
            j += 1;
        }
        if !is_secret_key(slice(text, i..j)) {
            i = j;
            continue;
        }
        let sep = skip_noise(past_index(b, j));
        // URL-encoded text: `pin%3D5813%26…`, `card%5Bcvv%5D%3D987` (the value then ends at the
        // next escape of a delimiter, `%26` for the next pair).
        let encoded = percent_separator(text, sep);
        if !(encoded || matches!(b.get(sep), Some(b':' | b'='))) {
            i = j;
            continue;
        }
        let mut vstart = skip_noise(if encoded {
            sep + 3
        } else {
            past_separator(b, sep)
        });
        // Form encoding writes a space as `+` (`%22cvv%22%3A+%22987%22`).
        while encoded && b.get(vstart) == Some(&b'+') {
            vstart = skip_noise(vstart + 1);
        }
        if matches!(b.get(vstart), Some(b'{' | b'[')) {
            // Keys inside an object or array value are looked at one by one.
            i = j;
            continue;
        }
        let mut vend = match bare_value(b, text, vstart, b"\\") {
            Ok(end) if encoded => encoded_end(text, vstart, end),
            // The value reads as a secret key followed by `:`/`=` (`cvv: \"cvv\": \"999\"`): it
            // is masked as this key's value (it may be the secret itself, `password:
            // \"Japan2024\": weak`), and the value after it as its own.
            Ok(end)
                if end > vstart
                    && is_secret_key(slice(text, vstart..end))
                    && matches!(b.get(skip_noise(past_index(b, end))), Some(b':' | b'=')) =>
            {
                out.push_str(slice(text, copied..vstart));
                out.push_str(REDACTED);
                copied = end;
                i = end;
                let next = skip_noise(past_separator(b, skip_noise(past_index(b, end))));
                let bare = !matches!(b.get(next), Some(b'{' | b'['))
                    && !slice(text, next..).starts_with(REDACTED);
                if let (true, Ok(next_end)) = (bare, bare_value(b, text, next, b"\\")) {
                    let value = slice(text, next..next_end);
                    if next_end > next && !matches!(value, "null" | "true" | "false") {
                        out.push_str(slice(text, copied..next));
                        out.push_str(REDACTED);
                        copied = next_end;
                        i = next_end;
                    }
                }
                continue;
            }
            Ok(end) => end,
            Err(next_key) => {
                if next_key > vstart {
                    out.push_str(slice(text, copied..vstart));
                    out.push_str(REDACTED);
                    copied = next_key;
                }
                i = next_key;
                key_at = Some(next_key);
                continue;
            }
        };
        if AUTH_SCHEMES
            .iter()
            .any(|s| slice(text, vstart..vend).eq_ignore_ascii_case(s))
        {
            // `Authorization: Bearer <token>`: the scheme and its credentials are one value.
            let mut next = vend;
            while matches!(b.get(next), Some(b' ' | b'\t')) {
                next += 1;
            }
            if let Some(params_end) = (next > vend)
                .then(|| auth_params_end(b, text, next))
                .flatten()
            {
                vend = params_end;
            } else if next > vend {
                match bare_value(b, text, next, b"\\") {
                    Ok(end) if end > next => vend = end,
                    // `Bearer 987pin=…`: the credentials end where the next key starts.
                    Err(key) if key > next => {
                        vend = key;
                        key_at = Some(key);
                    }
                    _ => {}
                }
            }
        }
        let value = slice(text, vstart..vend);
        let skip = value.is_empty()
            || matches!(value, "null" | "true" | "false")
            || value.starts_with(['{', '['])
            || slice(text, vstart..).starts_with(REDACTED);
        if skip {
            // Keys inside a skipped value (an object, an array) are still looked at.
            i = j;
            continue;
        }
        // Without quotes: the loose pass cannot tell whether it is inside a string. Where the
        // keyed pass sees the key, it quotes the value (valid JSON stays valid).
        out.push_str(slice(text, copied..vstart));
        out.push_str(REDACTED);
        copied = vend;
        i = vend.max(j);
    }
    out.push_str(slice(text, copied..));
    out
}

/// The card-number pass (see the module docs).
fn mask_card_numbers(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        // A percent escape is one character, never digits of a number (`%201234…`).
        if c == b'%' && is_escape(b, i) {
            i += 3;
            continue;
        }
        let after_escape = i >= 3 && is_escape(b, i - 3);
        let glued_before =
            prev(b, i).is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, b'.' | b'-'));
        let starts = c.is_ascii_digit() && (after_escape || !glued_before);
        if !starts {
            i += 1;
            continue;
        }
        // A UUID is an id, one token, even when its hex digits happen to be decimal ones
        // (`12345678-1234-4123-a123-…` is no 16-digit card number).
        if let Some(end) = uuid_end(b, i) {
            i = end;
            continue;
        }
        // Digit groups joined by one space or dash; or, for a number that passes the Luhn
        // check only, by two spaces (`4111  1111  1111  1111`), a dot or another space.
        let run = |wide: bool| {
            let mut j = i;
            let mut digits = 0usize;
            loop {
                let group = j;
                while b.get(j).is_some_and(u8::is_ascii_digit) && !(wide && digits > 19) {
                    j += 1;
                    digits += 1;
                }
                // Dots join the groups of a card's layout only, 4-4-4-4 or American Express's
                // 4-6-5: `0.000123456789012345` is an amount, `4111.1111.1111.1111` and
                // `3782.822463.10005` are cards.
                let next_group = |at: usize| {
                    b.get(at..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count()
                };
                let dotted = matches!(
                    (digits, j - group, next_group(j + 1)),
                    (_, 4, 4) | (4, 4, 6) | (10, 6, 5)
                );
                // No card has more than 19 digits: the wide run stays short (linear time).
                if wide && digits > 19 {
                    break;
                }
                let gap = match (b.get(j), b.get(j + 1), b.get(j + 2)) {
                    (Some(b' '), Some(b' '), _) if wide => 2,
                    (Some(b' ' | b'-'), _, _) => 1,
                    // Luhn only: a dot, a no-break space (U+00A0), a thin or narrow no-break
                    // space (U+2009, U+202F) between groups (`4111.1111.…`, `4111 1111 …`).
                    (Some(b'.'), _, _) if wide && dotted => 1,
                    (Some(0xC2), Some(0xA0), _) if wide => 2,
                    (Some(0xE2), Some(0x80), Some(0x87 | 0x89 | 0xAF)) if wide => 3,
                    // The same in an HTML page: `4111&nbsp;1111&nbsp;…`.
                    (Some(b'&'), _, _) if wide => match html_space_len(text, j) {
                        0 => break,
                        n => n,
                    },
                    _ => break,
                };
                // A UUID after the separator is no group of this number (`HTTP 404 3512…-…`).
                let joined = b.get(j + gap).is_some_and(u8::is_ascii_digit)
                    && uuid_end(b, j + gap).is_none();
                if !joined {
                    break;
                }
                j += gap;
            }
            (j, digits)
        };
        let glued_after = |j: usize| {
            b.get(j).is_some_and(|c| c.is_ascii_alphanumeric())
                || (b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit))
        };
        let (mut j, mut digits) = run(false);
        let (wide_end, wide_digits) = run(true);
        if iban_prefix_before(b, i) {
            // The rest of an IBAN written in groups (`DE62 3704 0044 …`): an account, no card.
            i = j.max(wide_end);
            continue;
        }
        if digits < 12
            && wide_end > j
            && !glued_after(wide_end)
            && luhn_card(slice(text, i..wide_end))
        {
            (j, digits) = (wide_end, wide_digits);
        }
        // A card number written as a JSON number with a zero fraction (`4111111111111111.0`):
        // 15 or more digits that pass the Luhn check. Any other fraction is an amount or a
        // time (`1718031234574.891`), kept.
        let zero_fraction = |at: usize| {
            let zeros = b
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| **c == b'0')
                .count();
            zeros > 0 && !b.get(at + zeros).is_some_and(u8::is_ascii_alphanumeric)
        };
        let decimal_card = b.get(j) == Some(&b'.')
            && digits >= 15
            && zero_fraction(j + 1)
            && luhn_card(slice(text, i..j));
        let glued_after = glued_after(j) && !decimal_card;
        // After an escape (`number%3D4111…`), only a card number for certain: 13–19 digits
        // that pass the Luhn check (`ref%3D202501150001` is an order number).
        let card = !after_escape || luhn_card(slice(text, i..j));
        if digits >= 12 && !glued_after && card {
            let buf = out.get_or_insert_with(|| b.to_vec());
            let (mut seen, mut k) = (0usize, i);
            while k < j {
                // The digits of an HTML reference between groups (`&#160;`) are no card's.
                let reference = html_space_len(text, k);
                if reference > 0 {
                    k += reference;
                    continue;
                }
                if let Some(c) = buf.get_mut(k).filter(|c| c.is_ascii_digit()) {
                    seen += 1;
                    if seen + 4 <= digits {
                        *c = b'*';
                    }
                }
                k += 1;
            }
        }
        i = j.max(i + 1);
    }
    match out {
        // Only ASCII digits were replaced by ASCII '*': still valid UTF-8.
        Some(buf) => String::from_utf8(buf).unwrap_or_else(|_| text.to_string()),
        None => text.to_string(),
    }
}

/// HTML character references of a no-break or thin space (`&nbsp;`, `&#160;`, `&#xa0;`,
/// `&thinsp;`, `&#8201;`, `&#8239;`, any case): the length of the one at `at`, else 0.
fn html_space_len(text: &str, at: usize) -> usize {
    const REFS: &[&str] = &[
        "&nbsp;", "&#160;", "&#xa0;", "&#x00a0;", "&thinsp;", "&#8201;", "&#x2009;", "&#8239;",
        "&#x202f;", "&numsp;", "&#8199;", "&#x2007;",
    ];
    REFS.iter()
        .find(|r| starts_with_ci(text, at, r))
        .map_or(0, |r| r.len())
}

/// Is the text before `i` the start of an IBAN written in groups: two capital letters and two
/// digits (`DE62`), not glued to a word, then one or two spaces (or one of the other
/// [`GROUP_SPACES`])?
fn iban_prefix_before(b: &[u8], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).and_then(|k| b.get(k..i));
    let spaces = match (before(1), before(2), before(3)) {
        (_, Some(b"  "), _) => 2,
        (Some(b" "), _, _) => 1,
        // The other group spaces (`DE62\u{a0}3704 …`), as the card pass reads them.
        (_, Some([0xC2, 0xA0]), _) => 2,
        (_, _, Some([0xE2, 0x80, 0x87 | 0x89 | 0xAF])) => 3,
        // As an HTML reference (`DE62&nbsp;3704…`).
        _ => match (1..=10).find(|n| {
            i.checked_sub(*n)
                .and_then(|k| std::str::from_utf8(b.get(k..i)?).ok())
                .is_some_and(|t| html_space_len(t, 0) == t.len())
        }) {
            Some(n) => n,
            None => return false,
        },
    };
    let Some(start) = i.checked_sub(spaces + 4) else {
        return false;
    };
    let Some(p) = b.get(start..start + 4) else {
        return false;
    };
    p.iter().take(2).all(u8::is_ascii_uppercase)
        && p.iter().skip(2).all(u8::is_ascii_digit)
        && !prev(b, start).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Where the UUID that starts at `i` ends (hex digits in groups of 8-4-4-4-12 joined by
/// dashes, the fourth group starting with the RFC 4122 variant `8`, `9`, `a` or `b`, not glued
/// to a following letter, digit or dash), if one does.
fn uuid_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    for (n, len) in [8usize, 4, 4, 4, 12].into_iter().enumerate() {
        if n > 0 {
            if b.get(j) != Some(&b'-') {
                return None;
            }
            j += 1;
        }
        let group = b.get(j..j + len)?;
        if !group.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        if n == 3 && !matches!(group.first(), Some(b'8' | b'9' | b'a' | b'b' | b'A' | b'B')) {
            return None;
        }
        j += len;
    }
    let glued = b
        .get(j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-');
    (!glued).then_some(j)
}

/// Is `digits` (digits, spaces, dashes) a card number by its shape: 13–19 digits whose Luhn
/// check passes?
fn luhn_card(digits: &str) -> bool {
    let mut d: Vec<u32> = Vec::with_capacity(digits.len());
    let mut k = 0;
    while let Some(c) = digits.get(k..).and_then(|rest| rest.chars().next()) {
        // Skip HTML references between groups (`4111&#160;1111…`): their digits are no card's.
        let reference = html_space_len(digits, k);
        if reference > 0 {
            k += reference;
            continue;
        }
        d.extend(c.to_digit(10));
        k += c.len_utf8();
    }
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(n, &x)| {
            if n % 2 == 1 {
                if x * 2 > 9 {
                    x * 2 - 9
                } else {
                    x * 2
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// A serde error's message without any value it may echo: quoted, back-ticked or
/// single-quoted literals become `…`, except the field names after `field` (`missing field
/// \`cvv\``), then [`mask_secrets`]. Position (line, column) is kept.
pub fn sanitize_serde_message(message: &str) -> String {
    let b = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(&q) = b.get(i) {
        if !matches!(q, b'"' | b'`' | b'\'') {
            i += 1;
            continue;
        }
        let close = if q == b'"' {
            scan_string(b, message, i).0
        } else {
            slice(message, i + 1..)
                .find(q as char)
                .map(|p| i + 1 + p + 1)
                .unwrap_or(b.len())
        };
        let keep = slice(message, ..i).ends_with("field ");
        if !keep {
            out.push_str(slice(message, copied..i));
            out.push('…');
            copied = close;
        }
        i = close.max(i + 1);
    }
    out.push_str(slice(message, copied..));
    mask_secrets(&out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn values_sent_are_removed_only_as_tokens_of_their_own() {
        let v = vec!["5555".to_string(), "abc".to_string()];
        assert_eq!(without_values("pin 5555.", &v), "pin [REDACTED].");
        assert_eq!(
            without_values("\"5555\",5555", &v),
            "\"[REDACTED]\",[REDACTED]"
        );
        // Inside a longer number or word, or next to itself: another value, left alone.
        for text in [
            "55555555",
            "x5555",
            "5555y",
            "ż5555",
            "id-15555",
            "833359e8-5555-4c01-8161-cce5d3ce30f3",
            "req_5555",
        ] {
            assert_eq!(without_values(text, &v), text);
        }
        assert_eq!(without_values("€5555€", &v), "€[REDACTED]€");
        // Joined by `_` or `-` to a word naming a secret: the value is still the secret.
        for (text, want) in [
            ("pin_5555 is too simple", "pin_[REDACTED] is too simple"),
            ("bad card-pin-5555.", "bad card-pin-[REDACTED]."),
            ("PIN_5555", "PIN_[REDACTED]"),
            ("token-5555", "token-[REDACTED]"),
        ] {
            assert_eq!(without_values(text, &v), want);
        }
        // Any case of ASCII letters; a `/` as JSON may escape it.
        let doc = vec!["ab1234567".to_string(), "AB/123456".to_string()];
        assert_eq!(
            without_values("doc AB1234567 used; Ab1234567x", &doc),
            "doc [REDACTED] used; Ab1234567x"
        );
        assert_eq!(
            without_values(r#"{"m":"document AB\/123456"}"#, &doc),
            r#"{"m":"document [REDACTED]"}"#
        );
        // ... and only then: a word that names none, or one glued to digits, keeps its id.
        for text in ["req_5555", "card_5555", "x9pin_5555", "pin_5555x", "pin__"] {
            assert_eq!(without_values(text, &v), text);
        }
        // A date of birth quoted with a time.
        let born = vec!["1990-05-17".to_string()];
        assert_eq!(
            without_values("born 1990-05-17T00:00:00Z", &born),
            "born [REDACTED]T00:00:00Z"
        );
        assert_eq!(without_values("x1990-05-17T1", &born), "x1990-05-17T1");
        // Shorter than 4 characters: too likely to stand for something else.
        assert_eq!(without_values("abc", &v), "abc");
        let body =
            serde_json::json!({"pin": "5555", "user": {"birthDate": "1990-05-17"}, "label": "x"});
        assert_eq!(secret_values(&body), vec!["5555", "1990-05-17"]);
    }

    use super::*;

    #[test]
    fn escaped_letters_and_digits_are_read_as_such_and_nothing_else_changes() {
        assert_eq!(unescape_alphanumerics(r"a\u0034b\u0041"), "a4bA");
        for kept in [
            r"\u0022", r"\\u0034", r"\u00e9", r"\u+034", r"\u00", "plain",
        ] {
            assert_eq!(unescape_alphanumerics(kept), kept);
        }
        assert_eq!(
            mask_secrets(r#"{"n":"\u0034111111111111111"}"#),
            r#"{"n":"************1111"}"#
        );
    }

    #[test]
    fn bracketed_and_indexed_keys_name_their_secret() {
        for key in ["card[cvv]", "pin[0]", "cvv2", "user[pesel]"] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["card[id]", "v2", "[]", "label"] {
            assert!(!is_secret_key(key), "{key}");
        }
        assert_eq!(
            mask_secrets(r#"{"cvv"=>"987", pin => 5813}"#),
            r#"{"cvv"=>"[REDACTED]", pin => "[REDACTED]"}"#
        );
    }

    #[test]
    fn api_keys_shorter_than_16_are_removed_as_tokens_from_8() {
        assert_eq!(
            without_secret("key k-12345678 unknown; k-12345678x", "k-12345678"),
            "key [REDACTED] unknown; k-12345678x"
        );
        assert_eq!(without_secret("key k-1 unknown", "k-1"), "key k-1 unknown");
    }

    const SECRETS: &[&str] = &["4111111111111111", "987", "5813", "AB1234567", "1990-05-17"];

    fn assert_clean(out: &str) {
        for s in SECRETS {
            assert!(!out.contains(s), "{s} leaked in {out}");
        }
    }

    #[test]
    fn valid_json_keeps_ids_and_masks_values() {
        let body = r#"{"cardId":"c1","cardNumber":"4111111111111111","cvv":"987","nested":[{"pin":"5813"}],"amount":1.50}"#;
        let out = mask_secrets(body);
        assert_clean(&out);
        assert!(out.contains(r#""cardId":"c1""#), "{out}");
        assert!(out.contains("1.50"), "{out}");
        let plain = r#"{ "transferId" : "t1", "amount": 100686.13333333 }"#;
        assert_eq!(mask_secrets(plain), plain);
    }

    #[test]
    fn broken_json_duplicate_keys_and_escapes() {
        for body in [
            r#"{"cardNumber":"4111111111111111","cvv":"987","pin":"5813"} trailing"#,
            r#"{"cvv":"987","cvv":null,"pin":"5813","pin":null,"cardNumber":"4111111111111111","cardNumber":null}"#,
            r#"{"cardNumber":"4111111111111111","cvv":"98"#,
            r#"{"CARD_NUMBER":4111111111111111,"C-V-V":987,"Pin":5813}"#,
            r#"{"c\u0076v":"987","\u0070in":"5813"}"#,
            r#"{"body":"{\"cvv\":\"987\",\"documentNumber\":\"AB1234567\"}"}"#,
            r#"{"details":{"cvv":{"value":"987"},"pin":["5813"]}}"#,
            "cvv=987&pin=5813&pan=4111111111111111",
            "card 4111 1111 1111 1111 declined; cvv: 987, birthDate: 1990-05-17",
            "<html>4111-1111-1111-1111</html> pin = '5813'",
            r#"{'documentNumber': 'AB1234567', 'dateOfBirth': '1990-05-17'}"#,
        ] {
            assert_clean(&mask_secrets(body));
        }
    }

    #[test]
    fn card_shapes_keep_last_four_and_leave_other_numbers() {
        assert_eq!(
            mask_secrets("pan 4111111111111111;"),
            "pan ************1111;"
        );
        assert_eq!(
            mask_secrets("x 4111 1111 1111 1111 y"),
            "x **** **** **** 1111 y"
        );
        // Luhn-valid numbers in other card formats (review, stop 43).
        for (text, masked) in [
            ("x 4111.1111.1111.1111 y", "x ****.****.****.1111 y"),
            (
                "x 4111\u{a0}1111\u{a0}1111\u{a0}1111 y",
                "x ****\u{a0}****\u{a0}****\u{a0}1111 y",
            ),
            (
                "x 4111\u{202f}1111\u{202f}1111\u{202f}1111 y",
                "x ****\u{202f}****\u{202f}****\u{202f}1111 y",
            ),
            (
                r#"{"x":"4111\u00201111\u00201111\u00201111"}"#,
                r#"{"x":"**** **** **** 1111"}"#,
            ),
            (
                r#"{"x":"4111\u00a01111\u00a01111\u00a01111"}"#,
                "{\"x\":\"****\u{a0}****\u{a0}****\u{a0}1111\"}",
            ),
            (r#"{"x":4111111111111111.0}"#, r#"{"x":************1111.0}"#),
            (
                "x 4111\u{2007}1111\u{2007}1111\u{2007}1111 y",
                "x ****\u{2007}****\u{2007}****\u{2007}1111 y",
            ),
        ] {
            assert_eq!(mask_secrets(text), masked, "{text}");
        }
        // An escaped IBAN's spaces are decoded, its digits kept.
        let iban = mask_secrets(r#""DE62\u00a03704\u00a00044\u00a00532\u00a00130\u00a001""#);
        assert!(iban.contains("3704\u{a0}0044\u{a0}0532"), "{iban}");
        for keep in [
            "123e4567-e89b-12d3-a456-426614174000",
            "amount 1234567890.123456789012",
            // Amounts with many decimals, even when the digits pass the Luhn check.
            "0.000000000004111111",
            "12345.67890123",
            "4111.1111.1111.1112",
            // Amounts and times with a fraction whose integer digits pass the Luhn check
            // (review, stop 43: they were masked).
            r#"{"amount":1234567890128.45}"#,
            r#"{"createdAt":1718031234574.891}"#,
            r#""amountWei":"1500000000000000008.5""#,
            // An IBAN grouped with no-break spaces, as text or escaped.
            "DE62\u{a0}3704\u{a0}0044\u{a0}0532\u{a0}0130\u{a0}01",
            "tx 0xab12345678901234567890",
            "id 123",
        ] {
            assert_eq!(mask_secrets(keep), keep);
        }
    }

    #[test]
    fn a_date_sent_is_masked_in_the_other_ways_servers_write_dates() {
        let sent = ["1990-05-15".to_string()];
        for text in [
            "user born 15.05.1990 is too young",
            "birthDate [1990,5,15] invalid",
            "birthDate [1990, 5, 15] invalid",
            "date 1990/05/15 invalid",
            "dob=19900515",
            "15/05/1990 or 05/15/1990 or 15-05-1990 or 1990.05.15",
        ] {
            let out = without_values(text, &sent);
            for digits in ["1990", "19900515"] {
                assert!(!out.contains(digits), "{text} -> {out}");
            }
        }
        // Another date, the year alone, or the numbers outside an array, stay.
        for keep in [
            "created 16.05.1990, year 1990",
            "coords 1990,5,15",
            "list [2000,1990,5,15,7]",
        ] {
            assert_eq!(without_values(keep, &sent), keep);
        }
    }

    #[test]
    fn a_date_sent_without_leading_zeros_or_as_unix_time_is_masked() {
        let sent = ["1990-05-05".to_string(), "1965-01-02".to_string()];
        for text in [
            "user born 5.5.1990 is too young",
            "dob 5/5/1990",
            "dob 1990-5-5",
            r#"{"dob":641865600}"#,
            r#"{"dob":641865600000}"#,
            "dob=-157680000",
            "dob 2.1.1965",
        ] {
            let out = without_values(text, &sent);
            assert!(out.contains(REDACTED), "{text} -> {out}");
            for digits in ["1990", "1965", "641865600", "157680000"] {
                assert!(!out.contains(digits), "{text} -> {out}");
            }
        }
        // A birth date near 1970-01-01 masks no `0` or `86400` (its Unix times).
        let epoch = ["1970-01-01".to_string(), "1970-01-02".to_string()];
        let keep = r#"{"message":"amount must be greater than 0","balance":0,"ttl":86400}"#;
        assert_eq!(without_values(keep, &epoch), keep);
        // Other dates and numbers that only contain one stay.
        for keep in [
            "created 15.5.1990",
            "id 6418656000001",
            "ref 1641865600",
            "5.5.19901",
        ] {
            assert_eq!(without_values(keep, &sent), keep);
        }
    }

    #[test]
    fn html_or_amex_grouped_card_numbers_are_masked() {
        for (text, gone) in [
            ("<td>4111&nbsp;1111&nbsp;1111&nbsp;1111</td>", "4111&"),
            ("<td>4111&#160;1111&#xA0;1111&thinsp;1111</td>", "4111&"),
            ("amex 3782.822463.10005 on file", "822463"),
        ] {
            let out = mask_secrets(text);
            assert!(!out.contains(gone), "{text} -> {out}");
        }
        assert_eq!(
            mask_secrets("amex 3782.822463.10005 on file"),
            "amex ****.******.*0005 on file"
        );
        // An IBAN or an amount in an HTML page, a dotted version and a non-card dotted number
        // stay.
        for keep in [
            "<td>DE89&nbsp;3704&nbsp;0044&nbsp;0532&nbsp;0130&nbsp;00</td>",
            "<td>1&nbsp;234&nbsp;567,00 EUR</td>",
            "v 1234.567890.12345",
            r#"{"securityLevel":"high","status":"ok"}"#,
            r#"{"security":{"threeDSecure":"ENABLED","cardId":"c-123"}}"#,
            "Security: tx_8f3a91 blocked",
        ] {
            assert_eq!(mask_secrets(keep), keep);
        }
    }

    #[test]
    fn a_code_in_a_security_object_is_masked() {
        for (text, gone) in [
            (r#"{"card":{"security":{"code":"987"},"id":"c-1"}}"#, "987"),
            (r#"{"cardSecurity": {"value": "4821"}}"#, "4821"),
            (r#"{'security' => {'number' => '5813'}}"#, "5813"),
            ("security={code=742, kind=cvv}", "742"),
            (r#"{"data":"{\"security\":{\"code\":\"987\"}}"}"#, "987"),
            (r#"{"security": [ {"code":"4821"} ]}"#, "4821"),
            (
                r#"{"security":[{"code":"111"},{"kind":"x","code":"4821"}]}"#,
                "4821",
            ),
        ] {
            let out = mask_secrets(text);
            assert!(!out.contains(gone), "{text} -> {out}");
            assert!(out.contains(REDACTED), "{text} -> {out}");
        }
        assert_eq!(
            mask_secrets(r#"{"card":{"security":{"code":"987"},"id":"c-1"}}"#),
            r#"{"card":{"security":{"code":"[REDACTED]"},"id":"c-1"}}"#
        );
        // A code anywhere else (an error's, a code next to a security object) stays.
        for keep in [
            r#"{"error":{"code":"INSUFFICIENT_FUNDS"}}"#,
            r#"{"security":{"level":"high"},"code":"TX_OK"}"#,
            r#"{"items":[{"code":"A1"},{"code":"B2"}],"security":"on"}"#,
            r#"{"insecurity":"none","value":"12.00"}"#,
        ] {
            assert_eq!(mask_secrets(keep), keep);
        }
    }

    #[test]
    fn other_names_of_a_cvv_are_secret_keys() {
        for key in [
            "cvvNumber",
            "cvc_code",
            "cardVerificationValue",
            "card_verification_code",
            "cvcNumber",
            "cvv2Code",
            "csc",
            "cvd",
            "cardCode",
        ] {
            assert!(is_secret_key(key), "{key}");
            let out = mask_secrets(&format!(r#"{{"{key}":"987"}}"#));
            assert!(!out.contains("987"), "{out}");
        }
    }

    #[test]
    fn one_time_codes_and_other_names_of_secrets_are_masked() {
        // The aliases the card event models accept (`otp`, `threeDsCode`, `activationCode`) and
        // other spellings of a PIN, CVV, ID or birthday. `code` alone stays: it is the P-code.
        let body = r#"{"otp":"5813","threeDsCode":"5813","activationCode":"5813","cvvCode":"987","pinNumber":"5813","passportNumber":"AB1234567","idNumber":"AB1234567","birthday":"1990-05-17","errorCode":"P412","code":"P412"}"#;
        let out = mask_secrets(body);
        assert_clean(&out);
        assert!(out.contains(r#""errorCode":"P412","code":"P412""#), "{out}");
    }

    #[test]
    fn null_and_booleans_stay() {
        let body = r#"{"cvv":null,"pinSet":true,"pin":false}"#;
        assert_eq!(mask_secrets(body), body);
    }

    #[test]
    fn serde_messages_lose_their_values() {
        let m = r#"invalid type: string "987", expected u16 at line 1 column 9"#;
        assert_eq!(
            sanitize_serde_message(m),
            "invalid type: string …, expected u16 at line 1 column 9"
        );
        let m = "missing field `cvv` at line 1 column 2";
        assert_eq!(sanitize_serde_message(m), m);
        let m = "invalid value: integer `4111111111111111`, expected u8";
        assert_clean(&sanitize_serde_message(m));
    }

    #[test]
    fn idempotent() {
        for body in [
            r#"{"cvv":"987","x":"4111111111111111"}"#,
            "cvv=987 4111 1111 1111 1111",
        ] {
            let once = mask_secrets(body);
            assert_eq!(mask_secrets(&once), once);
        }
    }
}
