//! The resource groups (`client.users`, `client.sepa`, …): one Python class per group for
//! `Client` (blocking) and one for `AsyncClient` (awaitables), generated from one table, so the
//! two clients always have the same methods. Every method converts its arguments, calls the
//! core method of the same name, and converts the result: nothing else.

use std::sync::Arc;
use std::time::Duration;

use p100::models::*;
use p100::WaitOptions;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::client::Shared;
use crate::convert;
use crate::runtime::{block, pending, spawn};

fn call0<F, Fut>(c: p100::Client, f: F) -> Fut
where
    F: FnOnce(p100::Client) -> Fut,
{
    f(c)
}

fn call1<A, F, Fut>(c: p100::Client, a: A, f: F) -> Fut
where
    F: FnOnce(p100::Client, A) -> Fut,
{
    f(c, a)
}

fn call2<A, B, F, Fut>(c: p100::Client, a: A, b: B, f: F) -> Fut
where
    F: FnOnce(p100::Client, A, B) -> Fut,
{
    f(c, a, b)
}

fn seconds(py: Python<'_>, name: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    value
        .map(|v| p100::client::duration_from_secs(name, v, false))
        .transpose()
        .map_err(|e| crate::errors::to_pyerr(py, &e))
}

/// `wait_for(..., timeout=, initial_interval=, max_interval=)` in seconds.
fn wait_options(
    py: Python<'_>,
    timeout: Option<f64>,
    initial_interval: Option<f64>,
    max_interval: Option<f64>,
) -> PyResult<WaitOptions> {
    let mut o = WaitOptions::default();
    if let Some(t) = seconds(py, "timeout", timeout)? {
        o.timeout = t;
    }
    if let Some(t) = seconds(py, "initial_interval", initial_interval)? {
        o.interval = t;
    }
    if let Some(t) = seconds(py, "max_interval", max_interval)? {
        o.max_interval = t;
    }
    Ok(o)
}

/// One class of a group; `$run` is `block` (sync) or `spawn` (async).
macro_rules! group_class {
    (
        $cls:ident, $pyname:literal, $run:ident, $(#[$meta:meta])*;
        none { $( $(#[$m0:meta])* $f0:ident => $c0:expr; )* }
        id { $( $(#[$m1:meta])* $f1:ident($a1:ident) => $c1:expr; )* }
        ids { $( $(#[$m2:meta])* $f2:ident($a2:ident, $b2:ident) => $c2:expr; )* }
        req { $( $(#[$m3:meta])* $f3:ident($t3:ty) => $c3:expr; )* }
        id_req { $( $(#[$m4:meta])* $f4:ident($a4:ident, $t4:ty) => $c4:expr; )* }
        upload { $( $(#[$m5:meta])* $f5:ident($t5:ty) => $c5:expr; )* }
        wait { $( $(#[$m6:meta])* $f6:ident($a6:ident) => $c6:expr; )* }
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "p100", name = $pyname)]
        pub struct $cls {
            pub(crate) core: Arc<Shared>,
        }

        #[pymethods]
        impl $cls {
            fn __repr__(&self) -> String {
                format!("<p100.{} of {}>", $pyname, self.core.describe())
            }

            $(
                $(#[$m0])*
                fn $f0(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    let c = self.core.client(py)?;
                    $run(py, pending(call0(c, $c0)))
                }
            )*

            $(
                $(#[$m1])*
                #[pyo3(signature = ($a1))]
                fn $f1(&self, py: Python<'_>, $a1: String) -> PyResult<Py<PyAny>> {
                    let c = self.core.client(py)?;
                    $run(py, pending(call1(c, $a1, $c1)))
                }
            )*

            $(
                $(#[$m2])*
                #[pyo3(signature = ($a2, $b2))]
                fn $f2(&self, py: Python<'_>, $a2: String, $b2: String) -> PyResult<Py<PyAny>> {
                    let c = self.core.client(py)?;
                    $run(py, pending(call2(c, $a2, $b2, $c2)))
                }
            )*

            $(
                $(#[$m3])*
                #[pyo3(signature = (fields=None, /, **kwargs))]
                fn $f3(
                    &self,
                    py: Python<'_>,
                    fields: Option<&Bound<'_, PyAny>>,
                    kwargs: Option<&Bound<'_, PyDict>>,
                ) -> PyResult<Py<PyAny>> {
                    let req: $t3 = convert::request(py, fields, kwargs)?;
                    let c = self.core.client(py)?;
                    $run(py, pending(call1(c, req, $c3)))
                }
            )*

            $(
                $(#[$m4])*
                #[pyo3(signature = ($a4, fields=None, /, **kwargs))]
                fn $f4(
                    &self,
                    py: Python<'_>,
                    $a4: String,
                    fields: Option<&Bound<'_, PyAny>>,
                    kwargs: Option<&Bound<'_, PyDict>>,
                ) -> PyResult<Py<PyAny>> {
                    let req: $t4 = convert::request(py, fields, kwargs)?;
                    let c = self.core.client(py)?;
                    $run(py, pending(call2(c, $a4, req, $c4)))
                }
            )*

            $(
                $(#[$m5])*
                #[pyo3(signature = (fields=None, /, **kwargs))]
                fn $f5(
                    &self,
                    py: Python<'_>,
                    fields: Option<&Bound<'_, PyAny>>,
                    kwargs: Option<&Bound<'_, PyDict>>,
                ) -> PyResult<Py<PyAny>> {
                    let (mut req, files): ($t5, _) = convert::upload_request(py, fields, kwargs)?;
                    req.files = files;
                    let c = self.core.client(py)?;
                    $run(py, pending(call1(c, req, $c5)))
                }
            )*

            $(
                $(#[$m6])*
                #[pyo3(signature = ($a6, *, timeout=None, initial_interval=None, max_interval=None))]
                fn $f6(
                    &self,
                    py: Python<'_>,
                    $a6: String,
                    timeout: Option<f64>,
                    initial_interval: Option<f64>,
                    max_interval: Option<f64>,
                ) -> PyResult<Py<PyAny>> {
                    let options = wait_options(py, timeout, initial_interval, max_interval)?;
                    let c = self.core.client(py)?;
                    $run(py, pending(call2(c, $a6, options, $c6)))
                }
            )*
        }
    };
}

/// A group: its blocking class and its async class, from one method table.
macro_rules! group {
    (
        $(#[$meta:meta])*
        $sync:ident / $async_:ident ($name:literal / $async_name:literal) { $($body:tt)* }
    ) => {
        group_class!($sync, $name, block, $(#[$meta])*; $($body)*);
        group_class!($async_, $async_name, spawn, $(#[$meta])*; $($body)*);
    };
}

group! {
    /// The partner's own account: balances, history, wallet, SEPA deposit details.
    Partner / AsyncPartner ("Partner" / "AsyncPartner") {
        none {
            /// Every fiat and crypto balance of the partner.
            balances => |c| async move { c.partner().balances().await };
            /// Bank details for topping up the partner's EUR balance.
            sepa_deposit_info => |c| async move { c.partner().sepa_deposit_info().await };
            /// Whitelisted SEPA contacts of the partner.
            sepa_contacts => |c| async move { c.partner().sepa_contacts().await };
        }
        id {}
        ids {}
        req {
            /// The partner's transactions of one month: `transactions(month=3, year=2025)`.
            transactions(TransactionHistoryQuery) =>
                |c, r| async move { c.partner().transactions(&r).await };
            /// Creates a deposit wallet.
            create_wallet(CreateWalletRequest) =>
                |c, r| async move { c.partner().create_wallet(&r).await };
        }
        id_req {}
        upload {}
        wait {}
    }
}

group! {
    /// End users: create (with or without KYC), update, suspend, delete, balances, history.
    Users / AsyncUsers ("Users" / "AsyncUsers") {
        none {}
        id {
            /// Deletes a user for good.
            delete(external_user_id) => |c, id| async move { c.users().delete(&id).await };
            /// Freezes a user.
            suspend(external_user_id) => |c, id| async move { c.users().suspend(&id).await };
            /// Lifts a suspension.
            unsuspend(external_user_id) => |c, id| async move { c.users().unsuspend(&id).await };
            /// The user's balances.
            balances(external_user_id) => |c, id| async move { c.users().balances(&id).await };
            /// The user's own IBAN and reference for SEPA deposits.
            sepa_deposit_info(external_user_id) =>
                |c, id| async move { c.users().sepa_deposit_info(&id).await };
        }
        ids {}
        req {
            /// Creates a user of the KYC model.
            create(CreateUserRequest) => |c, r| async move { c.users().create(&r).await };
            /// Creates a user of the non-KYC model.
            create_without_kyc(CreateUserWithoutKycRequest) =>
                |c, r| async move { c.users().create_without_kyc(&r).await };
        }
        id_req {
            /// Updates contact and address data.
            update(external_user_id, UpdateUserRequest) =>
                |c, id, r| async move { c.users().update(&id, &r).await };
            /// The user's transactions of one month.
            transactions(external_user_id, TransactionHistoryQuery) =>
                |c, id, r| async move { c.users().transactions(&id, &r).await };
        }
        upload {}
        wait {}
    }
}

group! {
    /// KYC: document and POA uploads, verification, KYC by P100.
    Kyc / AsyncKyc ("Kyc" / "AsyncKyc") {
        none {}
        id {
            /// KYC by P100: where the verification stands.
            status(verification_id) => |c, id| async move { c.kyc().status(&id).await };
        }
        ids {
            /// KYC by P100: the verification page (URL and HTML).
            verification_page(external_user_id, verification_id) =>
                |c, u, v| async move { c.kyc().verification_page(&u, &v).await };
        }
        req {
            /// Submits the user's document data once KYC is accepted.
            add_verification(UserVerificationRequest) =>
                |c, r| async move { c.kyc().add_verification(&r).await };
            /// KYC by P100: starts a verification session.
            create_verification(CreateKycVerificationRequest) =>
                |c, r| async move { c.kyc().create_verification(&r).await };
        }
        id_req {}
        upload {
            /// Uploads identity document photos: `files=[("front.jpg", data), ...]`.
            upload_files(KycFilesRequest) => |c, r| async move { c.kyc().upload_files(&r).await };
            /// Uploads 1–3 proof-of-address files.
            upload_poa(PoaFilesRequest) => |c, r| async move { c.kyc().upload_poa(&r).await };
        }
        wait {}
    }
}

group! {
    /// Currency exchange: rates, locks, execution, details.
    Exchange / AsyncExchange ("Exchange" / "AsyncExchange") {
        none {
            /// Indicative rates (not executable).
            rates => |c| async move { c.exchange().rates().await };
        }
        id {
            /// Locks a rate for a user's exchange.
            user_lock(external_user_id) => |c, id| async move { c.exchange().user_lock(&id).await };
            /// The state of an exchange.
            details(exchange_id) => |c, id| async move { c.exchange().details(&id).await };
        }
        ids {}
        req {
            /// Locks a rate for the partner's own exchange.
            partner_lock(ExchangeLockQuery) =>
                |c, r| async move { c.exchange().partner_lock(&r).await };
            /// Exchanges on the partner's account with a locked rate (accepted, then processed).
            partner_execute(PartnerExchangeRequest) =>
                |c, r| async move { c.exchange().partner_execute(&r).await };
            /// Exchanges on a user's account with a locked rate (accepted, then processed).
            user_execute(UserExchangeRequest) =>
                |c, r| async move { c.exchange().user_execute(&r).await };
        }
        id_req {}
        upload {}
        wait {
            /// Polls `details` until the exchange is final (`COMPLETED` or `FAILED`).
            wait_for(exchange_id) =>
                |c, id, o| async move { c.exchange().wait_for(&id, o).await };
        }
    }
}

group! {
    /// SEPA transfers out of the partner's or a user's EUR balance.
    Sepa / AsyncSepa ("Sepa" / "AsyncSepa") {
        none {}
        id {
            /// The state of a SEPA transfer.
            details(transfer_id) => |c, id| async move { c.sepa().details(&id).await };
        }
        ids {}
        req {
            /// Sends EUR from the partner's balance (accepted, then processed).
            partner_transfer(PartnerSepaTransferRequest) =>
                |c, r| async move { c.sepa().partner_transfer(&r).await };
            /// Sends EUR from a user's balance (accepted, then processed).
            user_transfer(UserSepaTransferRequest) =>
                |c, r| async move { c.sepa().user_transfer(&r).await };
        }
        id_req {}
        upload {}
        wait {
            /// Polls `details` until `SUCCESSFUL` or `FAILED`.
            wait_for(transfer_id) => |c, id, o| async move { c.sepa().wait_for(&id, o).await };
        }
    }
}

group! {
    /// Crypto withdrawals, network fees, travel rule data for deposits.
    Crypto / AsyncCrypto ("Crypto" / "AsyncCrypto") {
        none {}
        id {
            /// The state of a crypto withdrawal.
            details(withdrawal_id) => |c, id| async move { c.crypto().details(&id).await };
        }
        ids {}
        req {
            /// The current network fee of a currency (and network).
            network_fee(NetworkFeeQuery) =>
                |c, r| async move { c.crypto().network_fee(&r).await };
            /// Sends crypto from the partner's balance (accepted, then processed).
            partner_withdrawal(PartnerCryptoWithdrawalRequest) =>
                |c, r| async move { c.crypto().partner_withdrawal(&r).await };
            /// Sends crypto from a user's balance (accepted, then processed).
            user_withdrawal(UserCryptoWithdrawalRequest) =>
                |c, r| async move { c.crypto().user_withdrawal(&r).await };
            /// Sends the sender's travel-rule data for a held deposit.
            update_travel_rule(TravelRuleUpdateRequest) =>
                |c, r| async move { c.crypto().update_travel_rule(&r).await };
        }
        id_req {}
        upload {}
        wait {
            /// Polls `details` until `SUCCESSFUL` or `FAILED`.
            wait_for(withdrawal_id) =>
                |c, id, o| async move { c.crypto().wait_for(&id, o).await };
        }
    }
}

group! {
    /// Internal transfers between the partner and its users.
    Transfers / AsyncTransfers ("Transfers" / "AsyncTransfers") {
        none {}
        id {
            /// The state of an internal transfer.
            details(transfer_id) => |c, id| async move { c.transfers().details(&id).await };
        }
        ids {}
        req {
            /// Moves money between the partner and a user (accepted, then processed).
            create(TransferRequest) => |c, r| async move { c.transfers().create(&r).await };
        }
        id_req {}
        upload {}
        wait {
            /// Polls `details` until final.
            wait_for(transfer_id) =>
                |c, id, o| async move { c.transfers().wait_for(&id, o).await };
        }
    }
}

group! {
    /// Virtual cards.
    Cards / AsyncCards ("Cards" / "AsyncCards") {
        none {}
        id {
            /// The user's cards.
            list(external_user_id) => |c, id| async move { c.cards().list(&id).await };
        }
        ids {
            /// Full card data (PAN, CVV, expiry) for a secure screen.
            details(external_user_id, card_id) =>
                |c, u, card| async move { c.cards().details(&u, &card).await };
            /// The card's spending limits.
            limits(external_user_id, card_id) =>
                |c, u, card| async move { c.cards().limits(&u, &card).await };
        }
        req {
            /// Issues a virtual card (label 3–30 characters, 4-digit PIN).
            create(CreateCardRequest) => |c, r| async move { c.cards().create(&r).await };
            /// Changes the PIN (exactly 4 digits).
            update_pin(UpdatePinRequest) => |c, r| async move { c.cards().update_pin(&r).await };
            /// Blocks a card (temporary).
            block(CardRef) => |c, r| async move { c.cards().block(&r).await };
            /// Unblocks a card.
            unblock(CardRef) => |c, r| async move { c.cards().unblock(&r).await };
            /// Changes spending limits (each >= 0).
            update_limits(UpdateCardLimitsRequest) =>
                |c, r| async move { c.cards().update_limits(&r).await };
            /// Deletes a card for good.
            delete(CardRef) => |c, r| async move { c.cards().delete(&r).await };
        }
        id_req {}
        upload {}
        wait {}
    }
}

group! {
    /// Orders: crypto payments converted to fiat.
    Orders / AsyncOrders ("Orders" / "AsyncOrders") {
        none {
            /// Current order rates.
            rates => |c| async move { c.orders().rates().await };
        }
        id {
            /// The state of an order.
            details(order_id) => |c, id| async move { c.orders().details(&id).await };
        }
        ids {}
        req {
            /// Locks an order rate.
            lock(OrderLockRequest) => |c, r| async move { c.orders().lock(&r).await };
            /// Turns a lock into an order (accepted, then processed).
            create(CreateOrderRequest) => |c, r| async move { c.orders().create(&r).await };
        }
        id_req {}
        upload {}
        wait {
            /// Polls `details` until the order is final.
            wait_for(order_id) => |c, id, o| async move { c.orders().wait_for(&id, o).await };
        }
    }
}

group! {
    /// Payment links and hosted checkouts.
    PaymentLinks / AsyncPaymentLinks ("PaymentLinks" / "AsyncPaymentLinks") {
        none {}
        id {
            /// The state of a payment link.
            details(payment_link_id) =>
                |c, id| async move { c.payment_links().details(&id).await };
        }
        ids {}
        req {
            /// Generates a standard payment link.
            create(CreatePaymentLinkRequest) =>
                |c, r| async move { c.payment_links().create(&r).await };
            /// Generates a hosted checkout with the partner's branding.
            create_checkout(CreatePaymentLinkRequest) =>
                |c, r| async move { c.payment_links().create_checkout(&r).await };
        }
        id_req {}
        upload {}
        wait {}
    }
}

/// Adds the group classes to the module.
pub fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Partner>()?;
    m.add_class::<AsyncPartner>()?;
    m.add_class::<Users>()?;
    m.add_class::<AsyncUsers>()?;
    m.add_class::<Kyc>()?;
    m.add_class::<AsyncKyc>()?;
    m.add_class::<Exchange>()?;
    m.add_class::<AsyncExchange>()?;
    m.add_class::<Sepa>()?;
    m.add_class::<AsyncSepa>()?;
    m.add_class::<Crypto>()?;
    m.add_class::<AsyncCrypto>()?;
    m.add_class::<Transfers>()?;
    m.add_class::<AsyncTransfers>()?;
    m.add_class::<Cards>()?;
    m.add_class::<AsyncCards>()?;
    m.add_class::<Orders>()?;
    m.add_class::<AsyncOrders>()?;
    m.add_class::<PaymentLinks>()?;
    m.add_class::<AsyncPaymentLinks>()?;
    Ok(())
}
