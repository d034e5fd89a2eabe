//! [`PerProcess`]: a value of this process's own, made again in a child after `fork()`, with no
//! lock that a fork could leave taken.
//!
//! After `fork()` (gunicorn `--preload`, Celery prefork, `multiprocessing`'s fork start method)
//! a child has the parent's memory but only the thread that forked: an async runtime, a pool of
//! connections or a lock held by another thread at that moment belong to threads the child does
//! not have. A value kept behind a `Mutex` and checked against the process id breaks in the
//! child that was forked while another thread held that mutex: the child waits for it forever.
//! `PerProcess` keeps one slot per generation of processes instead (the first process, its
//! child, that child's child…), each a [`OnceLock`] filled once: reading a filled slot never
//! waits, and a slot is only ever filled by moving a ready value in, so the window in which a
//! fork can catch it half-filled is a few instructions once per process, not the time it takes
//! to make the value.

use std::sync::OnceLock;

/// How many generations of forked processes get a value of their own (the first process, a
/// child, a grandchild…). Past that [`PerProcess::get_or_init`] gives `None`.
pub const GENERATIONS: usize = 16;

/// One `T` per process; see the [module docs](self).
///
/// Values of other processes (the parent's, in a child) are never dropped by the child: they
/// hold threads, sockets or TLS sessions the child does not own.
pub struct PerProcess<T> {
    slots: [OnceLock<(u32, T)>; GENERATIONS],
}

impl<T> PerProcess<T> {
    /// Empty; usable in a `static`.
    pub const fn new() -> Self {
        PerProcess {
            slots: [const { OnceLock::new() }; GENERATIONS],
        }
    }

    /// This process's value, made with `make` on first use in this process. `None` only past
    /// [`GENERATIONS`] nested forks.
    pub fn get_or_init(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.get_or_try_init(|| Ok::<T, std::convert::Infallible>(make()))
            .unwrap_or_else(|never| match never {})
    }

    /// This process's value if it has one already (never makes one).
    pub fn get(&self) -> Option<&T> {
        let pid = std::process::id();
        self.slots
            .iter()
            .filter_map(OnceLock::get)
            .find(|(owner, _)| *owner == pid)
            .map(|(_, value)| value)
    }

    /// Like [`get_or_init`](Self::get_or_init) with a `make` that can fail; a failure is
    /// returned and nothing is kept (the next call tries again).
    pub fn get_or_try_init<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<Option<&T>, E> {
        self.for_process(std::process::id(), make)
    }

    /// The value for process `pid` (a parameter, so that the tests can play several processes).
    fn for_process<E>(
        &self,
        pid: u32,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Option<&T>, E> {
        let mut make = Some(make);
        let mut made = None;
        for slot in &self.slots {
            if slot.get().is_none() {
                // Made before the slot is touched: a thread of this process waits in `set` only
                // for another one moving its value in, never for one making it.
                if made.is_none() {
                    if let Some(make) = make.take() {
                        made = Some(make()?);
                    }
                }
                if let Some(value) = made.take() {
                    if let Err((_, lost)) = slot.set((pid, value)) {
                        made = Some(lost); // another thread filled it first: look at its pid
                    }
                }
            }
            match slot.get() {
                Some((owner, value)) if *owner == pid => {
                    // A value made but not kept (another thread of this process won) is
                    // dropped here, on the thread that made it.
                    drop(made);
                    return Ok(Some(value));
                }
                _ => continue, // an ancestor's
            }
        }
        drop(made);
        Ok(None)
    }
}

impl<T> Default for PerProcess<T> {
    fn default() -> Self {
        PerProcess::new()
    }
}

impl<T> Drop for PerProcess<T> {
    fn drop(&mut self) {
        let pid = std::process::id();
        for slot in &mut self.slots {
            if let Some((owner, value)) = slot.take() {
                if owner != pid {
                    std::mem::forget(value); // another process's: not ours to tear down
                }
            }
        }
    }
}

impl<T> std::fmt::Debug for PerProcess<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let filled = self.slots.iter().filter(|s| s.get().is_some()).count();
        f.debug_struct("PerProcess")
            .field("processes", &filled)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;

    fn ok<T>(v: T) -> Result<T, ()> {
        Ok(v)
    }

    #[test]
    fn each_process_gets_its_own_value_and_keeps_it() {
        let p = PerProcess::new();
        let made = AtomicUsize::new(0);
        let make = |tag: &'static str| {
            made.fetch_add(1, Ordering::SeqCst);
            ok(tag)
        };
        assert_eq!(p.for_process(10, || make("parent")), Ok(Some(&"parent")));
        assert_eq!(p.for_process(10, || make("again")), Ok(Some(&"parent")));
        // A child sees the parent's slot filled and takes the next one; a grandchild the next.
        assert_eq!(p.for_process(11, || make("child")), Ok(Some(&"child")));
        assert_eq!(
            p.for_process(12, || make("grandchild")),
            Ok(Some(&"grandchild"))
        );
        assert_eq!(p.for_process(11, || make("again")), Ok(Some(&"child")));
        assert_eq!(made.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_failed_make_keeps_nothing_and_the_next_call_tries_again() {
        let p: PerProcess<&str> = PerProcess::new();
        assert_eq!(p.for_process(10, || Err("no")), Err("no"));
        assert_eq!(p.for_process(10, || ok("yes")), Ok(Some(&"yes")));
    }

    #[test]
    fn past_the_last_generation_there_is_no_value() {
        let p = PerProcess::new();
        for pid in 0..GENERATIONS as u32 {
            assert_eq!(p.for_process(pid, || ok(pid)), Ok(Some(&pid)));
        }
        assert_eq!(p.for_process(99, || ok(99)), Ok(None));
        assert_eq!(p.for_process(3, || ok(0)), Ok(Some(&3)));
    }

    #[test]
    fn threads_of_one_process_racing_share_one_value() {
        let p = PerProcess::new();
        let start = Barrier::new(8);
        let values: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let (p, start) = (&p, &start);
                    s.spawn(move || {
                        start.wait();
                        *p.for_process(7, || ok(i)).unwrap().unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(values.iter().all(|v| *v == values[0]), "{values:?}");
        // The losers' values were not kept in other slots.
        assert_eq!(p.slots.iter().filter(|s| s.get().is_some()).count(), 1);
    }

    #[test]
    fn values_of_other_processes_are_not_dropped() {
        struct Loud<'a>(&'a AtomicUsize);
        impl Drop for Loud<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = AtomicUsize::new(0);
        let p = PerProcess::new();
        p.for_process(std::process::id(), || ok(Loud(&dropped)))
            .unwrap();
        p.for_process(u32::MAX, || ok(Loud(&dropped))).unwrap();
        drop(p);
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            1,
            "only this process's value"
        );
    }
}
