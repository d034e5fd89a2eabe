//! A review of this stop's changes (0b16482..4c76e9f): the frozen-user rule of commit 4dad018
//! covered crypto deposits only. The docs it cites (20-users-and-kyc.md §2.4: "While frozen, the
//! user cannot make deposits, withdrawals, exchanges or card transactions") speak of every
//! deposit: an incoming SEPA transfer to a suspended user was APPROVED and credited (failed on
//! 4c76e9f; now REJECTED, not credited).

mod common;

use common::*;
use std::time::Duration;

use serde_json::json;

#[tokio::test]
async fn sepa_deposit_to_a_suspended_user_is_not_credited() {
    let sb = sandbox().await;
    let c = sb.client();
    verified_user(&c, "review31-frozen").await;
    let r = reqwest::Client::new()
        .patch(format!("{}/v1/user/suspend/review31-frozen", sb.base_url()))
        .header("x-api-key", "test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    sb.control(
        "POST",
        "/_sandbox/sepa-deposit",
        Some(&json!({"externalUserId": "review31-frozen", "amount": "25.00"})),
    )
    .await
    .unwrap();
    sb.advance(Duration::from_secs(5)).unwrap();
    let b = c.users().balances("review31-frozen").await.unwrap();
    let eur = b.fiat(&p100::Currency::Eur).unwrap();
    assert_eq!(
        eur.amount.to_string(),
        "0.00",
        "a frozen user cannot receive deposits; the sandbox credited a SEPA deposit"
    );
}
