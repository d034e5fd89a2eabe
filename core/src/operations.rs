//! **The operation table**: every operation of the P100 API, defined once.
//!
//! [`for_each_operation!`](crate::for_each_operation) hands the whole table, as tokens, to a
//! macro of the caller's (the "callback" pattern of matrix-rust-sdk's bindings and of
//! stripe-node's method tables). From it come:
//!
//! * the route constants and [`crate::routes::ALL`] (method, path, source letter, money flag);
//! * the core's resource methods (`client.sepa().partner_transfer(&req)`, `core/src/client/resources.rs`);
//! * the wasm, Python and uniffi wrappers of each binding;
//! * the manifest `tests/operations.json` ([`crate::routes::manifest`]) that the scenario runners,
//!   the stub generator, the docs and every completeness test read.
//!
//! Adding an operation is a row here, its model, its sandbox handler and a scenario step
//! (`CONTRIBUTING.md`). What differs between request types on the wire (amounts rescaled to the
//! currency, query strings, multipart uploads, path parameters carried in a body) is the
//! [`WireRequest`] impl of the request type, below.
//!
//! # Grammar
//!
//! ```text
//! /// group doc
//! group <rust_name> <TypeName> "<jsName>" wait(<details_op> <Output> "<label>" <id> "<idWire>")? {
//!     /// doc line(s)
//!     <op>: <CONST> <Get|Post|Patch|Delete> "<path>" <D|G|U|I> [money] [wait], <shape> -> <Output|()>, js "<opInJs>";
//! }
//! ```
//!
//! `<shape>` is one of `none`, `ids(<id> "<wire>", …)`, `query <Type>`, `body <Type>`,
//! `ids_query(<id> "<wire>") <Type>`, `ids_body(<id> "<wire>") <Type>`, `upload <Type>`. `money`: moves money (never retried
//! after an ambiguous failure). `wait`: followed to its final state by the group's `wait_for`.

use crate::client::Prepared;
use crate::models::*;
use crate::transport::MultipartPart;
use crate::{validate, Result};

/// Calls `$callback! { <the table> }` (see the module docs for the grammar).
#[macro_export]
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            /// The partner's own account: balances, history, wallet, SEPA deposit details.
            group partner Partner "partner" wait() {
                /// Every fiat and crypto balance of the partner.
                balances: PARTNER_BALANCES Get "/v1/partner/balances" D, none -> Balances, js "balances";
                /// The partner's transactions of one month (`?month=M&year=Y`).
                transactions: PARTNER_TRANSACTIONS Get "/v1/partner/transactions" I, query TransactionHistoryQuery -> TransactionHistory, js "transactions";
                /// Creates a deposit wallet.
                create_wallet: PARTNER_CREATE_WALLET Post "/v1/partner/wallet" I, body CreateWalletRequest -> Wallet, js "createWallet";
                /// Bank details for topping up the partner's EUR balance. Put `title` verbatim in
                /// the transfer's reference, or the deposit is matched by hand (or returned).
                sepa_deposit_info: PARTNER_SEPA_DEPOSIT_INFO Get "/v1/partner/sepa-deposit/info" D, none -> SepaDepositInfo, js "sepaDepositInfo";
                /// Whitelisted SEPA contacts of the partner.
                sepa_contacts: PARTNER_SEPA_CONTACTS Get "/v1/partner/sepa-deposit/contacts" I, none -> SepaContacts, js "sepaContacts";
            }
            /// End users: create (with or without KYC), update, suspend, delete, balances, history.
            group users Users "users" wait() {
                /// Creates a user of the KYC model.
                create: USER_CREATE Post "/v1/user/balances/crypto-and-fiat" D, body CreateUserRequest -> CreateUserResponse, js "create";
                /// Creates a user of the non-KYC model. Such users can never become KYC users.
                create_without_kyc: USER_CREATE_WITHOUT_KYC Post "/v1/user/balances/crypto" D, body CreateUserWithoutKycRequest -> CreateUserResponse, js "createWithoutKyc";
                /// Updates contact and address data.
                update: USER_UPDATE Patch "/v1/user/{externalUserId}" I, ids_body(external_user_id "externalUserId") UpdateUserRequest -> (), js "update";
                /// Deletes a user for good.
                delete: USER_DELETE Delete "/v1/user/{externalUserId}" I, ids(external_user_id "externalUserId") -> (), js "delete";
                /// Freezes a user: no deposits, withdrawals, exchanges or card payments.
                suspend: USER_SUSPEND Patch "/v1/user/suspend/{externalUserId}" I, ids(external_user_id "externalUserId") -> (), js "suspend";
                /// Lifts a suspension.
                unsuspend: USER_UNSUSPEND Patch "/v1/user/unsuspend/{externalUserId}" I, ids(external_user_id "externalUserId") -> (), js "unsuspend";
                /// The user's balances.
                balances: USER_BALANCES Get "/v1/user/{externalUserId}/balances" D, ids(external_user_id "externalUserId") -> Balances, js "balances";
                /// The user's transactions of one month (`?month=M&year=Y`).
                transactions: USER_TRANSACTIONS Get "/v1/user/{externalUserId}/transactions" I, ids_query(external_user_id "externalUserId") TransactionHistoryQuery -> TransactionHistory, js "transactions";
                /// The user's own IBAN and reference for SEPA deposits.
                sepa_deposit_info: USER_SEPA_DEPOSIT_INFO Get "/v1/sepa-deposit/info/{externalUserId}" I, ids(external_user_id "externalUserId") -> SepaDepositInfo, js "sepaDepositInfo";
            }
            /// KYC: document and POA uploads, verification, KYC by P100.
            group kyc Kyc "kyc" wait() {
                /// Uploads identity document photos (multipart field `files`, plus `documentType`).
                upload_files: KYC_FILES Post "/v1/user/kyc-files/{externalUserId}" G, upload KycFilesRequest -> (), js "uploadFiles";
                /// Uploads 1–3 proof-of-address files in one request (≤ 5 MB each; JPEG, PNG or PDF).
                upload_poa: POA_FILES Post "/v1/user/poa-files/{externalUserId}" D, upload PoaFilesRequest -> (), js "uploadPoa";
                /// Submits the user's document data once KYC is accepted; balances are generated then.
                add_verification: USER_VERIFICATION Post "/v1/user/verification" G, body UserVerificationRequest -> (), js "addVerification";
                /// KYC by P100: starts a verification session.
                create_verification: KYC_CREATE Post "/v1/kyc" G, body CreateKycVerificationRequest -> KycVerification, js "createVerification";
                /// KYC by P100: the verification page as the API answers it, `200 text/html` (no
                /// redirect). See `VerificationPage`: the call needs the API key, so a browser
                /// cannot open its URL, and the docs give no server-side way to the final
                /// iDenfy URL.
                verification_page: KYC_REDIRECT Get "/v1/kyc/verification/{externalUserId}/{verificationId}" D, ids(external_user_id "externalUserId", verification_id "verificationId") -> VerificationPage, js "verificationPage";
                /// KYC by P100: where the verification stands.
                status: KYC_STATUS Get "/v1/kyc/status/{verificationId}" D, ids(verification_id "verificationId") -> KycStatus, js "status";
            }
            /// Currency exchange: rates, locks, execution, details.
            group exchange Exchange "exchange" wait(details ExchangeDetails "exchange" exchange_id "exchangeId") {
                /// Indicative rates (not executable).
                rates: EXCHANGE_RATES Get "/v1/exchange/get-rate" G, none -> ExchangeRates, js "rates";
                /// Locks a rate for the partner's own exchange; use it before `validUntil`.
                partner_lock: PARTNER_EXCHANGE_LOCK Get "/v1/partner/exchange/get-lock" I, query ExchangeLockQuery -> ExchangeLock, js "partnerLock";
                /// Exchanges on the partner's account with a locked rate. Returns once accepted;
                /// the outcome comes from `wait_for` or the exchange webhook.
                partner_execute: PARTNER_EXCHANGE Post "/v1/partner/exchange" D money wait, body PartnerExchangeRequest -> ExchangeCreated, js "partnerExecute";
                /// Locks a rate for a user's exchange.
                user_lock: USER_EXCHANGE_LOCK Get "/v1/exchange/get-lock/{externalUserId}" G, ids(external_user_id "externalUserId") -> ExchangeLock, js "userLock";
                /// Exchanges on a user's account with a locked rate (accepted, then processed).
                user_execute: USER_EXCHANGE Post "/v1/exchange" G money wait, body UserExchangeRequest -> ExchangeCreated, js "userExecute";
                /// The state of an exchange.
                details: EXCHANGE_DETAILS Get "/v1/exchange/details/{exchangeId}" I, ids(exchange_id "exchangeId") -> ExchangeDetails, js "details";
            }
            /// SEPA transfers out of the partner's or a user's EUR balance.
            group sepa Sepa "sepa" wait(details SepaTransferDetails "SEPA transfer" transfer_id "transferId") {
                /// Sends EUR from the partner's balance by SEPA. Accepted, then processed: follow
                /// it with `wait_for`. Never retried after an ambiguous failure.
                partner_transfer: PARTNER_SEPA_TRANSFER Post "/v1/partner/sepa-transfer" D money wait, body PartnerSepaTransferRequest -> SepaTransferCreated, js "partnerTransfer";
                /// Sends EUR from a user's balance by SEPA (accepted, then processed).
                user_transfer: USER_SEPA_TRANSFER Post "/v1/sepa-transfer" D money wait, body UserSepaTransferRequest -> SepaTransferCreated, js "userTransfer";
                /// The state of a SEPA transfer.
                details: SEPA_TRANSFER_DETAILS Get "/v1/sepa-transfer/details/{transferId}" D, ids(transfer_id "transferId") -> SepaTransferDetails, js "details";
            }
            /// Crypto withdrawals, network fees, travel rule data for deposits.
            group crypto Crypto "crypto" wait(details CryptoWithdrawalDetails "crypto withdrawal" withdrawal_id "withdrawalId") {
                /// The current network fee of a currency (and network).
                network_fee: NETWORK_FEE Get "/v1/crypto-withdrawal/get-network-fee" G, query NetworkFeeQuery -> NetworkFee, js "networkFee";
                /// Sends crypto from the partner's balance. Accepted, then processed.
                partner_withdrawal: PARTNER_CRYPTO_WITHDRAWAL Post "/v1/partner/crypto-withdrawal" I money wait, body PartnerCryptoWithdrawalRequest -> WithdrawalCreated, js "partnerWithdrawal";
                /// Sends crypto from a user's balance. Accepted, then processed.
                user_withdrawal: USER_CRYPTO_WITHDRAWAL Post "/v1/crypto-withdrawal" G money wait, body UserCryptoWithdrawalRequest -> WithdrawalCreated, js "userWithdrawal";
                /// The state of a crypto withdrawal.
                details: CRYPTO_WITHDRAWAL_DETAILS Get "/v1/crypto-withdrawal/details/{withdrawalId}" U, ids(withdrawal_id "withdrawalId") -> CryptoWithdrawalDetails, js "details";
                /// Sends the sender's travel-rule data for a deposit held in `WAITING_FOR_TR_DATA`.
                update_travel_rule: UPDATE_TRAVEL_RULE Patch "/v1/crypto-deposit/travel-rule/{cryptoDepositId}" I, body TravelRuleUpdateRequest -> (), js "updateTravelRule";
            }
            /// Internal transfers between the partner and its users.
            group transfers Transfers "transfers" wait(details TransferDetails "transfer" transfer_id "transferId") {
                /// Moves money between the partner and a user (`fund`: partner → user, `collect`:
                /// user → partner). Accepted, then processed.
                create: TRANSFER_CREATE Post "/v1/transfer" G money wait, body TransferRequest -> TransferCreated, js "create";
                /// The state of an internal transfer.
                details: TRANSFER_DETAILS Get "/v1/transfer/details/{transferId}" G, ids(transfer_id "transferId") -> TransferDetails, js "details";
            }
            /// Virtual cards.
            group cards Cards "cards" wait() {
                /// Issues a virtual card (label 3–30 characters, 4-digit PIN). The reply holds the
                /// PAN and CVV: they never show in debug output or logs.
                create: CARD_CREATE Post "/v1/card/virtual" G money, body CreateCardRequest -> CardCreated, js "create";
                /// The user's cards.
                list: CARD_LIST Get "/v1/card/all/{externalUserId}" G, ids(external_user_id "externalUserId") -> CardList, js "list";
                /// Full card data (PAN, CVV, expiry) for a secure screen.
                details: CARD_DETAILS Get "/v1/card/details/{externalUserId}/{cardId}" D, ids(external_user_id "externalUserId", card_id "cardId") -> CardDetails, js "details";
                /// Changes the PIN (exactly 4 digits).
                update_pin: CARD_PIN Patch "/v1/card/pin" U, body UpdatePinRequest -> (), js "updatePin";
                /// Blocks a card (temporary).
                block: CARD_BLOCK Patch "/v1/card/block" U, body CardRef -> (), js "block";
                /// Unblocks a card.
                unblock: CARD_UNBLOCK Patch "/v1/card/unblock" U, body CardRef -> (), js "unblock";
                /// The card's spending limits.
                limits: CARD_LIMITS Get "/v1/card/limits/{externalUserId}/{cardId}" U, ids(external_user_id "externalUserId", card_id "cardId") -> CardLimits, js "limits";
                /// The card's transactions (path and shape inferred from the card transaction
                /// webhook).
                transactions: CARD_TRANSACTIONS Get "/v1/card/transactions/{externalUserId}/{cardId}" I, ids(external_user_id "externalUserId", card_id "cardId") -> CardTransactions, js "transactions";
                /// Changes spending limits (each ≥ 0).
                update_limits: CARD_UPDATE_LIMITS Patch "/v1/card/limits" U, body UpdateCardLimitsRequest -> (), js "updateLimits";
                /// Deletes a card for good (JSON body `{externalUserId, cardId}`).
                delete: CARD_DELETE Delete "/v1/card" U, body CardRef -> (), js "delete";
            }
            /// Orders: crypto payments converted to fiat.
            group orders Orders "orders" wait(details OrderDetails "order" order_id "orderId") {
                /// Current order rates.
                rates: ORDER_RATES Get "/v1/order/rates" I, none -> OrderRates, js "rates";
                /// Locks an order rate; use the lock before `expiresAt`.
                lock: ORDER_LOCK Post "/v1/order/lock-rate" D, body OrderLockRequest -> OrderLock, js "lock";
                /// Turns a lock into an order (accepted, then processed).
                create: ORDER_CREATE Post "/v1/order" D money wait, body CreateOrderRequest -> OrderCreated, js "create";
                /// The state of an order.
                details: ORDER_DETAILS Get "/v1/order/details/{orderId}" D, ids(order_id "orderId") -> OrderDetails, js "details";
            }
            /// Payment links and hosted checkouts.
            group payment_links PaymentLinks "paymentLinks" wait() {
                /// Generates a standard payment link.
                create: PAYMENT_LINK_CREATE Post "/v1/payment-link" I money, body CreatePaymentLinkRequest -> PaymentLink, js "create";
                /// Generates a hosted checkout with the partner's branding.
                create_checkout: PAYMENT_LINK_CHECKOUT Post "/v1/payment-link/checkout" I money, body CreatePaymentLinkRequest -> PaymentLink, js "createCheckout";
                /// The state of a payment link.
                details: PAYMENT_LINK_DETAILS Get "/v1/payment-link/details/{paymentLinkId}" I, ids(payment_link_id "paymentLinkId") -> PaymentLinkDetails, js "details";
            }
        }
    };
}

/// `true` when the flag is among the row's flags (`money`, `wait`).
#[macro_export]
#[doc(hidden)]
macro_rules! __op_flag {
    (money) => { false };
    (money money $($rest:ident)*) => { true };
    (money $other:ident $($rest:ident)*) => { $crate::__op_flag!(money $($rest)*) };
    (wait) => { false };
    (wait wait $($rest:ident)*) => { true };
    (wait $other:ident $($rest:ident)*) => { $crate::__op_flag!(wait $($rest)*) };
}

/// How a request type goes on the wire: its checks, the path parameters it carries and how it
/// is attached to the request (a JSON body unless said otherwise). One impl per request type;
/// the generated resource methods call it.
pub trait WireRequest: Validate + serde::Serialize {
    /// Values of the route's path parameters taken from the request (in template order).
    fn path_values(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Puts the request on `p`: a JSON body by default.
    fn attach(&self, p: Prepared) -> Result<Prepared> {
        p.json(self)
    }
}

/// JSON bodies sent as they are.
macro_rules! json_body {
    ($($t:ty),+) => { $(impl WireRequest for $t {})+ };
}

json_body!(
    CreateWalletRequest,
    CreateUserRequest,
    CreateUserWithoutKycRequest,
    UpdateUserRequest,
    UserVerificationRequest,
    CreateKycVerificationRequest,
    CreateCardRequest,
    UpdatePinRequest,
    CardRef,
    UpdateCardLimitsRequest,
    OrderLockRequest,
    CreateOrderRequest,
    CreatePaymentLinkRequest
);

/// JSON bodies whose `amount` is rescaled to the precision of the currency in `$currency`
/// (`10.5` EUR is sent as `"10.50"`).
macro_rules! amount_body {
    ($($t:ty => $currency:ident),+) => {$(
        impl WireRequest for $t {
            fn attach(&self, p: Prepared) -> Result<Prepared> {
                let mut body = self.clone();
                body.amount = body.amount.for_currency(&body.$currency);
                p.json(&body)
            }
        }
    )+};
}

amount_body!(
    PartnerExchangeRequest => currency_from,
    UserExchangeRequest => currency_from,
    PartnerCryptoWithdrawalRequest => currency,
    UserCryptoWithdrawalRequest => currency,
    TransferRequest => currency
);

/// SEPA transfers: the amount rescaled to EUR, and the IBAN in the electronic form the check
/// read (`DE89 3704 …` is sent as `DE893704…`): what was checked is what is sent.
macro_rules! sepa_body {
    ($($t:ty),+) => {$(
        impl WireRequest for $t {
            fn attach(&self, p: Prepared) -> Result<Prepared> {
                let mut body = self.clone();
                body.amount = body.amount.for_currency(&body.currency);
                body.destination_iban = validate::iban_compact(&body.destination_iban);
                p.json(&body)
            }
        }
    )+};
}

sepa_body!(PartnerSepaTransferRequest, UserSepaTransferRequest);

impl WireRequest for TravelRuleUpdateRequest {
    fn path_values(&self) -> Vec<&str> {
        vec![&self.crypto_deposit_id]
    }
}

impl WireRequest for TransactionHistoryQuery {
    fn attach(&self, p: Prepared) -> Result<Prepared> {
        Ok(p.query(&[
            ("month", Some(self.month.to_string())),
            ("year", Some(self.year.to_string())),
        ]))
    }
}

impl WireRequest for ExchangeLockQuery {
    fn attach(&self, p: Prepared) -> Result<Prepared> {
        Ok(p.query(&[
            (
                "currencyFrom",
                self.currency_from.as_ref().map(|c| c.to_string()),
            ),
            (
                "currencyTo",
                self.currency_to.as_ref().map(|c| c.to_string()),
            ),
            ("amount", self.amount.map(|a| a.to_string())),
        ]))
    }
}

impl WireRequest for NetworkFeeQuery {
    fn attach(&self, p: Prepared) -> Result<Prepared> {
        Ok(p.query(&[
            ("currency", Some(self.currency.to_string())),
            ("network", self.network.as_ref().map(|n| n.to_string())),
        ]))
    }
}

fn file_parts(files: &[FileUpload]) -> impl Iterator<Item = MultipartPart> + '_ {
    files.iter().map(|f| MultipartPart {
        name: "files".to_string(),
        file_name: Some(f.file_name.clone()),
        content_type: validate::sniff(&f.data).map(|k| k.mime().to_string()),
        data: f.data.clone(),
    })
}

impl WireRequest for KycFilesRequest {
    fn path_values(&self) -> Vec<&str> {
        vec![&self.external_user_id]
    }

    fn attach(&self, p: Prepared) -> Result<Prepared> {
        let document_type = MultipartPart {
            name: "documentType".into(),
            file_name: None,
            content_type: None,
            data: self.document_type.as_str().as_bytes().to_vec(),
        };
        Ok(p.multipart(
            std::iter::once(document_type)
                .chain(file_parts(&self.files))
                .collect(),
        ))
    }
}

impl WireRequest for PoaFilesRequest {
    fn path_values(&self) -> Vec<&str> {
        vec![&self.external_user_id]
    }

    fn attach(&self, p: Prepared) -> Result<Prepared> {
        Ok(p.multipart(file_parts(&self.files).collect()))
    }
}
