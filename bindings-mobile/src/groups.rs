//! The resource groups (`client.partner()`, `client.users()`, …), generated from the core's
//! operation table ([`p100::for_each_operation!`]): one method per operation, with the ids as
//! `String`s and the request as a record, and `waitFor` on the groups whose operations are
//! followed to a final state. Nothing here lists the operations again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use p100::client::{Unit, WaitSettings};
use p100::models::*;

use crate::client::{ms, Client};
use crate::{ok, Result};

macro_rules! mobile_groups {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wop:ident $wout:ident $wlabel:literal $wid:ident $widw:literal)?) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {
        $(
            $(#[doc = $gdoc])*
            #[derive(uniffi::Object)]
            pub struct $Group {
                client: p100::Client,
                closed: Arc<AtomicBool>,
            }
        )+

        $(
            #[uniffi::export]
            impl $Group {
                /// For the generated Kotlin glue, not to call yourself: keeps a call of this
                /// group that changes something and finished while its coroutine was being
                /// cancelled (kotlinx drops the value a cancelled `withTimeout` block returns)
                /// for `takeCancelled()`, with the ids and status of its `result` (JSON).
                #[uniffi::method(default(result = None))]
                pub fn keep_undelivered(&self, operation: String, result: Option<String>) {
                    let calls = self.client.cancelled_calls();
                    calls.keep_undelivered_named(&operation, result.as_deref());
                }
            }
        )+

        #[uniffi::export]
        impl Client {
            $(
                $(#[doc = $gdoc])*
                pub fn $group(&self) -> Arc<$Group> {
                    Arc::new($Group { client: self.inner.clone(), closed: self.closed.clone() })
                }
            )+
        }

        async_export! {$(
            impl $Group {
                $(
                    $(#[doc = $doc])+
                    pub async fn $op(
                        &self $($(, $id: String)+)? $(, request: $in)?
                    ) -> Result<$out> {
                        open(&self.closed)?;
                        ok(self.client.$group().$op(
                            $($(&$id,)+)? $(std::convert::identity::<&$in>(&request))?
                        ).await)
                    }
                )+

                $(
                    /// Polls `details` until the operation is final. In milliseconds, unset values
                    /// keep the defaults: `timeoutMs` (overall, 5 minutes), `intervalMs` (first
                    /// pause between polls, 1 s), `maxIntervalMs` (longest pause, 15 s). Running
                    /// out of time is a `Timeout` error.
                    #[uniffi::method(default(
                        timeout_ms = None,
                        interval_ms = None,
                        max_interval_ms = None
                    ))]
                    pub async fn wait_for(
                        &self,
                        $wid: String,
                        timeout_ms: Option<i64>,
                        interval_ms: Option<i64>,
                        max_interval_ms: Option<i64>,
                    ) -> Result<$wout> {
                        open(&self.closed)?;
                        let settings = WaitSettings {
                            timeout: ms(timeout_ms),
                            interval: ms(interval_ms),
                            max_interval: ms(max_interval_ms),
                        };
                        let options = ok(settings.options_for(Unit::Millis, &$wid))?;
                        ok(self.client.$group().wait_for(&$wid, options).await)
                    }
                )?
            }
        )+}
    };
}

p100::for_each_operation!(mobile_groups);

/// Refuses a call of a group whose client was closed (a group taken before `close()`), before
/// anything is sent, as the client's own calls are refused then.
fn open(closed: &AtomicBool) -> Result<()> {
    if closed.load(Ordering::SeqCst) {
        return ok(Err(p100::Error::config(
            "the client this group was taken from is closed (close()): nothing was sent",
        )));
    }
    Ok(())
}
