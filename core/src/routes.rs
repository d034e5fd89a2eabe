//! The operation catalog: method and path of every operation, in one table.
//!
//! A path the current docs do not confirm carries its source letter, as in the catalog of
//! `shared/p100-api/README.md`: **D** seen in a current doc page; **G** seen only in the old
//! static docs; **U** seen only in third-party integration code; **I** inferred from the API's
//! naming pattern. A correction is a one-line change here; the sandbox serves exactly these paths.

use std::fmt;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name in upper case.
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name (any case).
    pub fn parse(s: &str) -> Option<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }

    /// True for methods that only read (safe to send twice).
    pub fn is_idempotent_read(&self) -> bool {
        matches!(self, Method::Get)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a path comes from (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Seen in a current doc page.
    Documented,
    /// Seen only in the old static docs.
    OldDocs,
    /// Seen only in third-party integration code.
    ThirdParty,
    /// Inferred from the API's naming pattern.
    Inferred,
}

/// One operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    /// Stable operation name, `group.operation` (`"sepa.partner_transfer"`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template; parameters are written `{name}`.
    pub path: &'static str,
    /// Where the path comes from.
    pub source: Source,
    /// True for calls that move money (exchange, SEPA, withdrawal, transfer, card issue, order):
    /// they are never retried after an ambiguous failure.
    pub moves_money: bool,
}

impl Route {
    /// The names of the path parameters, in order.
    pub fn params(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut rest = self.path;
        while let Some((_, after)) = rest.split_once('{') {
            let Some((name, tail)) = after.split_once('}') else {
                break;
            };
            out.push(name);
            rest = tail;
        }
        out
    }

    /// Fills the path parameters, percent-encoding each value as one path segment.
    ///
    /// `values` must follow the order of [`Route::params`]. Values are checked by validation
    /// before this is called; an empty value is still refused here as a last line of defence.
    pub fn path_with(&self, values: &[&str]) -> crate::Result<String> {
        let params = self.params();
        if params.len() != values.len() {
            return Err(crate::Error::config(format!(
                "route {} takes {} path parameters, {} given",
                self.name,
                params.len(),
                values.len()
            )));
        }
        let mut out = String::with_capacity(self.path.len() + 40);
        let mut rest = self.path;
        for (name, value) in params.iter().zip(values) {
            if value.is_empty() {
                return Err(crate::Error::validation(*name, "must not be empty"));
            }
            if *value == "." || *value == ".." {
                return Err(crate::Error::validation(
                    *name,
                    "must not be \".\" or \"..\"",
                ));
            }
            // `params` came from this template, so each parameter has its `{…}` here.
            let Some((before, tail)) = rest
                .split_once('{')
                .and_then(|(before, after)| Some((before, after.split_once('}')?.1)))
            else {
                return Err(crate::Error::config(format!(
                    "route {} has a malformed path template",
                    self.name
                )));
            };
            out.push_str(before);
            out.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
            rest = tail;
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Matches a concrete path against this route's template; returns the decoded parameters.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let t: Vec<&str> = self.path.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        if t.len() != p.len() {
            return None;
        }
        let mut out = Vec::new();
        for (a, b) in t.iter().zip(p.iter()) {
            if a.starts_with('{') && a.ends_with('}') {
                if b.is_empty() {
                    return None;
                }
                out.push(
                    percent_encoding::percent_decode_str(b)
                        .decode_utf8()
                        .ok()?
                        .into_owned(),
                );
            } else if a != b {
                return None;
            }
        }
        Some(out)
    }
}

/// Characters escaped in a path segment: everything but unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

macro_rules! routes {
    ($( $(#[$m:meta])* $konst:ident = $name:literal, $method:ident, $path:literal, $src:ident, $money:literal; )+) => {
        $( $(#[$m])* pub const $konst: Route = Route {
            name: $name, method: Method::$method, path: $path, source: Source::$src, moves_money: $money,
        }; )+
        /// Every operation of the catalog.
        pub const ALL: &[Route] = &[$($konst),+];
    };
}

routes! {
    // ---- Partner account --------------------------------------------------------------------
    /// Partner balances. D
    PARTNER_BALANCES = "partner.balances", Get, "/v1/partner/balances", Documented, false;
    /// Partner transaction history (`?month=M&year=Y`). I
    PARTNER_TRANSACTIONS = "partner.transactions", Get, "/v1/partner/transactions", Inferred, false;
    /// Create wallet. I
    PARTNER_CREATE_WALLET = "partner.create_wallet", Post, "/v1/partner/wallet", Inferred, false;
    /// Indicative exchange rates. G
    EXCHANGE_RATES = "exchange.rates", Get, "/v1/exchange/get-rate", OldDocs, false;
    /// Partner exchange lock. I
    PARTNER_EXCHANGE_LOCK = "exchange.partner_lock", Get, "/v1/partner/exchange/get-lock", Inferred, false;
    /// Partner exchange execute. D
    PARTNER_EXCHANGE = "exchange.partner_execute", Post, "/v1/partner/exchange", Documented, true;
    /// Exchange details. I
    EXCHANGE_DETAILS = "exchange.details", Get, "/v1/exchange/details/{exchangeId}", Inferred, false;
    /// Partner SEPA deposit info. D
    PARTNER_SEPA_DEPOSIT_INFO = "partner.sepa_deposit_info", Get, "/v1/partner/sepa-deposit/info", Documented, false;
    /// Partner SEPA deposit contact list. I
    PARTNER_SEPA_CONTACTS = "partner.sepa_contacts", Get, "/v1/partner/sepa-deposit/contacts", Inferred, false;
    /// Partner SEPA transfer. D
    PARTNER_SEPA_TRANSFER = "sepa.partner_transfer", Post, "/v1/partner/sepa-transfer", Documented, true;
    /// SEPA transfer details. D
    SEPA_TRANSFER_DETAILS = "sepa.details", Get, "/v1/sepa-transfer/details/{transferId}", Documented, false;
    /// Network fee (`?currency=&network=`). G
    NETWORK_FEE = "crypto.network_fee", Get, "/v1/crypto-withdrawal/get-network-fee", OldDocs, false;
    /// Partner crypto withdrawal. I
    PARTNER_CRYPTO_WITHDRAWAL = "crypto.partner_withdrawal", Post, "/v1/partner/crypto-withdrawal", Inferred, true;
    /// Crypto withdrawal details. U
    CRYPTO_WITHDRAWAL_DETAILS = "crypto.details", Get, "/v1/crypto-withdrawal/details/{withdrawalId}", ThirdParty, false;
    /// Update travel rule data of a crypto deposit. I
    UPDATE_TRAVEL_RULE = "crypto.update_travel_rule", Patch, "/v1/crypto-deposit/travel-rule/{cryptoDepositId}", Inferred, false;
    /// Order rates. I
    ORDER_RATES = "orders.rates", Get, "/v1/order/rates", Inferred, false;
    /// Order lock. D
    ORDER_LOCK = "orders.lock", Post, "/v1/order/lock-rate", Documented, false;
    /// Order create. D
    ORDER_CREATE = "orders.create", Post, "/v1/order", Documented, true;
    /// Order details. D
    ORDER_DETAILS = "orders.details", Get, "/v1/order/details/{orderId}", Documented, false;
    /// Generate payment link. I
    PAYMENT_LINK_CREATE = "payment_links.create", Post, "/v1/payment-link", Inferred, true;
    /// Generate hosted checkout. I
    PAYMENT_LINK_CHECKOUT = "payment_links.create_checkout", Post, "/v1/payment-link/checkout", Inferred, true;
    /// Payment link details. I
    PAYMENT_LINK_DETAILS = "payment_links.details", Get, "/v1/payment-link/details/{paymentLinkId}", Inferred, false;

    // ---- Users, KYC, account management ----------------------------------------------------
    /// Create user (KYC model). D
    USER_CREATE = "users.create", Post, "/v1/user/balances/crypto-and-fiat", Documented, false;
    /// Create user (non-KYC model). D
    USER_CREATE_WITHOUT_KYC = "users.create_without_kyc", Post, "/v1/user/balances/crypto", Documented, false;
    /// Add KYC files (multipart). G
    KYC_FILES = "kyc.upload_files", Post, "/v1/user/kyc-files/{externalUserId}", OldDocs, false;
    /// Add POA files (multipart, field `files`). D
    POA_FILES = "kyc.upload_poa", Post, "/v1/user/poa-files/{externalUserId}", Documented, false;
    /// Add user verification. G
    USER_VERIFICATION = "kyc.add_verification", Post, "/v1/user/verification", OldDocs, false;
    /// KYC by P100: create verification. G
    KYC_CREATE = "kyc.create_verification", Post, "/v1/kyc", OldDocs, false;
    /// KYC by P100: redirect page. D
    KYC_REDIRECT = "kyc.verification_page", Get, "/v1/kyc/verification/{externalUserId}/{verificationId}", Documented, false;
    /// KYC by P100: status. D
    KYC_STATUS = "kyc.status", Get, "/v1/kyc/status/{verificationId}", Documented, false;
    /// Update user. I
    USER_UPDATE = "users.update", Patch, "/v1/user/{externalUserId}", Inferred, false;
    /// Delete user. I
    USER_DELETE = "users.delete", Delete, "/v1/user/{externalUserId}", Inferred, false;
    /// Suspend user. I
    USER_SUSPEND = "users.suspend", Patch, "/v1/user/suspend/{externalUserId}", Inferred, false;
    /// Unsuspend user. I
    USER_UNSUSPEND = "users.unsuspend", Patch, "/v1/user/unsuspend/{externalUserId}", Inferred, false;
    /// User balances. D
    USER_BALANCES = "users.balances", Get, "/v1/user/{externalUserId}/balances", Documented, false;
    /// User transaction history (`?month=M&year=Y`). I
    USER_TRANSACTIONS = "users.transactions", Get, "/v1/user/{externalUserId}/transactions", Inferred, false;

    // ---- User money and cards --------------------------------------------------------------
    /// User exchange lock. G
    USER_EXCHANGE_LOCK = "exchange.user_lock", Get, "/v1/exchange/get-lock/{externalUserId}", OldDocs, false;
    /// User exchange execute. G
    USER_EXCHANGE = "exchange.user_execute", Post, "/v1/exchange", OldDocs, true;
    /// User SEPA deposit info. I
    USER_SEPA_DEPOSIT_INFO = "users.sepa_deposit_info", Get, "/v1/sepa-deposit/info/{externalUserId}", Inferred, false;
    /// User SEPA transfer. D
    USER_SEPA_TRANSFER = "sepa.user_transfer", Post, "/v1/sepa-transfer", Documented, true;
    /// User crypto withdrawal. G
    USER_CRYPTO_WITHDRAWAL = "crypto.user_withdrawal", Post, "/v1/crypto-withdrawal", OldDocs, true;
    /// Internal transfer partner ⇄ user. G
    TRANSFER_CREATE = "transfers.create", Post, "/v1/transfer", OldDocs, true;
    /// Internal transfer details. G
    TRANSFER_DETAILS = "transfers.details", Get, "/v1/transfer/details/{transferId}", OldDocs, false;
    /// Create virtual card. G
    CARD_CREATE = "cards.create", Post, "/v1/card/virtual", OldDocs, true;
    /// List user cards. G
    CARD_LIST = "cards.list", Get, "/v1/card/all/{externalUserId}", OldDocs, false;
    /// Card details (PAN, CVV, expiry). D
    CARD_DETAILS = "cards.details", Get, "/v1/card/details/{externalUserId}/{cardId}", Documented, false;
    /// Update card PIN. U
    CARD_PIN = "cards.update_pin", Patch, "/v1/card/pin", ThirdParty, false;
    /// Block card. U
    CARD_BLOCK = "cards.block", Patch, "/v1/card/block", ThirdParty, false;
    /// Unblock card. U
    CARD_UNBLOCK = "cards.unblock", Patch, "/v1/card/unblock", ThirdParty, false;
    /// Card limits. U
    CARD_LIMITS = "cards.limits", Get, "/v1/card/limits/{externalUserId}/{cardId}", ThirdParty, false;
    /// Update card limits. U
    CARD_UPDATE_LIMITS = "cards.update_limits", Patch, "/v1/card/limits", ThirdParty, false;
    /// Delete card (JSON body `{externalUserId, cardId}`). U
    CARD_DELETE = "cards.delete", Delete, "/v1/card", ThirdParty, false;
}

/// Looks up a route by its operation name.
pub fn by_name(name: &str) -> Option<&'static Route> {
    ALL.iter().find(|r| r.name == name)
}

/// Finds the route serving `method` + `path`, with its decoded path parameters.
pub fn resolve(method: Method, path: &str) -> Option<(&'static Route, Vec<String>)> {
    ALL.iter()
        .filter(|r| r.method == method)
        .find_map(|r| r.match_path(path).map(|p| (r, p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_method_paths_are_unique() {
        let names: HashSet<_> = ALL.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), ALL.len());
        let keys: HashSet<_> = ALL.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(keys.len(), ALL.len());
        // 22 partner operations + 14 user/KYC operations + 16 user money and card operations.
        assert_eq!(ALL.len(), 52);
    }

    #[test]
    fn every_path_starts_with_v1() {
        for r in ALL {
            assert!(r.path.starts_with("/v1/"), "{}", r.name);
        }
    }

    #[test]
    fn fills_and_escapes_params() {
        assert_eq!(
            CARD_DETAILS.path_with(&["u 1/..", "c?1"]).unwrap(),
            "/v1/card/details/u%201%2F../c%3F1"
        );
        assert_eq!(USER_BALANCES.params(), vec!["externalUserId"]);
        assert!(USER_BALANCES.path_with(&[""]).is_err());
        assert!(USER_BALANCES.path_with(&[".."]).is_err());
        assert!(USER_BALANCES.path_with(&["."]).is_err());
        assert!(USER_BALANCES.path_with(&[]).is_err());
    }

    #[test]
    fn resolves_concrete_paths() {
        let (r, p) = resolve(Method::Get, "/v1/user/abc/balances").unwrap();
        assert_eq!(r.name, "users.balances");
        assert_eq!(p, vec!["abc"]);
        let (r, p) = resolve(Method::Get, "/v1/card/details/u%201/c1").unwrap();
        assert_eq!(r.name, "cards.details");
        assert_eq!(p, vec!["u 1", "c1"]);
        assert_eq!(resolve(Method::Post, "/v1/partner/balances"), None);
        // A literal segment wins over a parameter of another route.
        let (r, _) = resolve(Method::Patch, "/v1/user/suspend/u1").unwrap();
        assert_eq!(r.name, "users.suspend");
    }
}
