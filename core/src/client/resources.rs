//! Resource groups: `client.partner()`, `client.users()`, … one method per operation, all
//! generated from the operation table ([`crate::for_each_operation!`]).
//!
//! Every method checks its input first (nothing is sent when a check fails), then builds the
//! request from the route and the request type's [`WireRequest`] impl, and decodes the typed
//! reply. Groups with money-moving operations also get `wait_for`, which polls `details`.

use super::wait::{poll, WaitOptions};
use super::{Client, Prepared};
use crate::error::Result;
use crate::models::*;
use crate::operations::WireRequest;
use crate::routes;
use crate::validate;

fn id(field: &str, value: &str) -> Result<()> {
    validate::external_user_id(field, value)
}

/// Builds the request of one operation: checks ids and input, fills the path.
pub(super) fn prepare<R: WireRequest>(
    route: &routes::Route,
    ids: &[(&str, &str)],
    input: Option<&R>,
) -> Result<Prepared> {
    for (field, value) in ids {
        id(field, value)?;
    }
    let mut values: Vec<&str> = ids.iter().map(|(_, v)| *v).collect();
    if let Some(req) = input {
        req.validate()?;
        values.extend(req.path_values());
    }
    let p = Prepared::new(route, &values)?;
    match input {
        Some(req) => req.attach(p),
        None => Ok(p),
    }
}

/// The "no input" type of [`prepare`].
type NoInput = CardRef;

macro_rules! core_groups {
    ($(
        $(#[doc = $gdoc:literal])*
        group $group:ident $Group:ident $gjs:literal wait($($wop:ident $wout:ident $wlabel:literal $wid:ident $widw:literal)?) {
            $(
                $(#[doc = $doc:literal])+
                $op:ident: $konst:ident $method:ident $path:literal $src:ident $($flag:ident)*,
                $shape:ident $(($($id:ident $idw:literal),+))? $($in:ident)? -> $out:tt, js $js:literal;
            )+
        }
    )+) => {$(
        $(#[doc = $gdoc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $Group<'a> {
            client: &'a Client,
        }

        impl Client {
            $(#[doc = $gdoc])*
            pub fn $group(&self) -> $Group<'_> {
                $Group { client: self }
            }
        }

        impl $Group<'_> {
            $(
                $(#[doc = $doc])+
                #[doc = concat!("\n`", stringify!($method), " ", $path, "`")]
                pub async fn $op(self $($(, $id: &str)+)? $(, request: &$in)?) -> Result<core_groups!(@ty $out)> {
                    let ids: &[(&str, &str)] = &[$($(($idw, $id)),+)?];
                    let p = core_groups!(@prepare routes::$konst, ids $(, request, $in)?)?;
                    core_groups!(@call self.client, p, $out)
                }
            )+

            $(
                #[doc = concat!("Polls `", stringify!($wop), "` until the ", $wlabel, " is final (or the wait times out).")]
                pub async fn wait_for(self, $wid: &str, options: WaitOptions) -> Result<$wout> {
                    poll(
                        options,
                        self.client.config().abort.as_ref(),
                        $wlabel,
                        $wid,
                        || self.$wop($wid),
                        |d| d.status.is_final(),
                        |d| d.status.to_string(),
                    )
                    .await
                }
            )?
        }
    )+

    /// The resource groups of [`Client::with_response`]: the same methods, each returning a
    /// [`WithResponse`](crate::client::WithResponse) (the result and its
    /// [`ResponseMeta`](crate::client::ResponseMeta)).
    pub mod with_response {
        use super::*;
        use crate::client::{WithResponse, WithResponseClient};

        $(
            $(#[doc = $gdoc])*
            #[doc = "\n\nEach method returns the result with its metadata."]
            #[derive(Debug, Clone, Copy)]
            pub struct $Group<'a> {
                client: &'a Client,
            }

            impl<'a> WithResponseClient<'a> {
                $(#[doc = $gdoc])*
                pub fn $group(&self) -> $Group<'a> {
                    $Group { client: self.client() }
                }
            }

            impl $Group<'_> {
                $(
                    $(#[doc = $doc])+
                    #[doc = concat!("\n`", stringify!($method), " ", $path, "`, with the reply's metadata.")]
                    pub async fn $op(self $($(, $id: &str)+)? $(, request: &$in)?) -> Result<WithResponse<core_groups!(@ty $out)>> {
                        self.client
                            .recording(|c| async move {
                                c.$group().$op($($($id,)+)? $(std::convert::identity::<&$in>(request))?).await
                            })
                            .await
                    }
                )+
            }
        )+
    }
    };
    (@ty ()) => { () };
    (@ty $t:ident) => { $t };
    (@prepare $route:expr, $ids:ident) => { prepare::<NoInput>(&$route, $ids, None) };
    (@prepare $route:expr, $ids:ident, $req:ident, $in:ident) => { prepare(&$route, $ids, Some($req)) };
    (@call $client:expr, $p:ident, ()) => { $client.call_unit($p).await };
    // The API answers with an HTML page: the page and its address.
    (@call $client:expr, $p:ident, VerificationPage) => {{
        let resp = $client.send(&$p).await?;
        Ok(VerificationPage {
            url: format!("{}{}", $client.config().base_url(), $p.path),
            html: resp.text(),
        })
    }};
    (@call $client:expr, $p:ident, $t:ident) => { $client.call($p).await };
}

crate::for_each_operation!(core_groups);
