//! A bug inside the SDK must not crash the host application or leave a promise pending.
//!
//! The package is built with `panic = "abort"` (the size profile `release-wasm`; the
//! `wasm32-unknown-unknown` standard library cannot unwind on stable Rust), so a Rust panic ends
//! in a WebAssembly trap: an opaque `RuntimeError: unreachable` thrown at whoever called into
//! the module — a user's synchronous call, or, for a promise, the microtask that polls the
//! future, where nobody can catch it (Node stops the process on the uncaught exception, and
//! the promise would never settle).
//!
//! Two pieces turn that into an ordinary `P100Error` of kind `"internal"`:
//! * [`install`] (run when the module loads) sets a panic hook that keeps the panic's message
//!   (secrets masked by the core) before the trap;
//! * [`guard`] runs Rust code through a JavaScript call that catches the trap, so the trap ends
//!   *inside* the export that started it. Every export that runs SDK code goes through it (the
//!   getters of the resource groups only clone a handle): the synchronous ones throw the
//!   `P100Error`, and each promise's future is polled inside it ([`Guarded`]), so a panic
//!   rejects that promise and nothing else.
//!
//! What a trap leaves behind: the frames it unwound run no destructors, so the memory of the
//! panicking call is leaked (never freed, never used again); other clients and calls keep
//! working. After a panic `std::thread::panicking()` stays true for the module's lifetime (std
//! counts the panic as never finished), which only changes how std's own mutexes report
//! poisoning; the SDK does not rely on that.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The message of the last panic, taken by the guard that catches its trap.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook and seeds the jitter generator. Runs once, when the module loads.
#[wasm_bindgen(start)]
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let what = p100::error::panic_text(info.payload());
        let at = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let text = p100::mask::mask_secrets(&format!("{what}{at}"));
        LAST_PANIC.with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some(text);
            }
        });
    }));
    crate::seed_jitter();
}

/// The `P100Error` (kind `"internal"`) for a trap caught by [`guard`].
fn internal_error(exception: &JsValue) -> JsValue {
    let panic = LAST_PANIC.with(|last| last.try_borrow_mut().ok().and_then(|mut l| l.take()));
    let what = panic.unwrap_or_else(|| {
        let what = js_sys::Error::from(exception.clone())
            .to_string()
            .as_string();
        let what = what.unwrap_or_else(|| "an exception".to_string());
        format!("the WebAssembly module stopped with {what}")
    });
    crate::errors::internal(&p100::error::internal_message(&what), Some(exception))
}

/// Runs `f` so that a panic in it (a trap) comes back as `Err(P100Error)` of kind
/// `"internal"` instead of escaping as `RuntimeError: unreachable`.
pub(crate) fn guard<R: 'static>(f: impl FnOnce() -> R + 'static) -> Result<R, JsValue> {
    let out: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&out);
    let closure = Closure::once(move || {
        let r = f();
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(r);
        }
    });
    let func: &Function = closure.as_ref().unchecked_ref();
    // `Function.prototype.call` is imported with `catch`: a trap (or any exception thrown
    // through the frames of `f`) is caught by the JS glue and returned here.
    let called = func.call0(&JsValue::UNDEFINED);
    drop(closure);
    match called {
        Ok(_) => {
            let value = out.try_borrow_mut().ok().and_then(|mut o| o.take());
            value.ok_or_else(|| internal_error(&JsValue::from_str("no result")))
        }
        Err(exception) => Err(internal_error(&exception)),
    }
}

/// [`guard`] for the synchronous exports: a core error throws its `P100Error` subclass, a
/// trap a `P100Error` of kind `"internal"`.
pub(crate) fn guarded<T: 'static>(
    f: impl FnOnce() -> Result<T, p100::Error> + 'static,
) -> Result<T, JsValue> {
    guard(f).and_then(crate::errors::js)
}

/// A future polled inside [`guard`]: a panic while polling resolves it with `Err(P100Error)`.
/// The panicking future is then leaked, never polled or dropped again (its state is whatever
/// the trap left).
pub(crate) struct Guarded<F> {
    inner: Option<Pin<Box<F>>>,
}

impl<F> Guarded<F> {
    pub(crate) fn new(fut: F) -> Self {
        Guarded {
            inner: Some(Box::pin(fut)),
        }
    }
}

impl<F> Future for Guarded<F>
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(mut fut) = self.inner.take() else {
            return Poll::Ready(Err(internal_error(&JsValue::from_str(
                "a finished call was polled again",
            ))));
        };
        let waker = cx.waker().clone();
        let polled = guard(move || {
            let mut cx = Context::from_waker(&waker);
            let poll = fut.as_mut().poll(&mut cx);
            (fut, poll)
        });
        match polled {
            Ok((fut, Poll::Pending)) => {
                self.inner = Some(fut);
                Poll::Pending
            }
            Ok((_, Poll::Ready(result))) => Poll::Ready(result),
            Err(internal) => Poll::Ready(Err(internal)),
        }
    }
}

/// Test hook (not part of the package's API): panics on purpose, synchronously or inside a
/// promise, so the tests can show what a bug inside the SDK looks like to a caller.
#[wasm_bindgen(js_name = __p100Panic, skip_typescript)]
pub fn test_panic(in_promise: bool) -> Result<JsValue, JsValue> {
    #[allow(clippy::panic)]
    fn boom<T>() -> T {
        // The message carries a card-number shape: it must come out masked.
        panic!("deliberate test panic (card 4111 1111 1111 1111)")
    }
    if in_promise {
        Ok(crate::client::spawn(async {
            // Wait for a resolved promise first, so the panic happens in a later poll, from
            // the microtask queue.
            let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
                .await;
            boom::<Result<JsValue, p100::Error>>()
        })
        .into())
    } else {
        guarded(boom::<Result<JsValue, p100::Error>>)
    }
}
