//! Threads that compose bookings' mail beside the writer.
//!
//! Why not the runtime's blocking pool: under a steady stream of bookings, handing each
//! composition to it cost the writer tens of microseconds a booking (often a new thread), a
//! fifth of all it did. Here a few long-lived threads take compositions from one queue, and
//! handing one over is a message on a channel.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, mpsc};

/// A composition waiting for a thread.
type Work = Box<dyn FnOnce() + Send>;

/// The queue in front of the composing threads; they stop once it is dropped.
pub(crate) struct Composers {
    work: mpsc::Sender<Work>,
}

impl Composers {
    /// Starts `threads` composing threads inside `runtime`, so that what they run may use it.
    pub(crate) fn start(threads: usize, runtime: tokio::runtime::Handle) -> std::io::Result<Self> {
        let (work, queue) = mpsc::channel::<Work>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let (queue, runtime) = (queue.clone(), runtime.clone());
            std::thread::Builder::new()
                .name(format!("mail-composer-{n}"))
                .spawn(move || {
                    let _runtime = runtime.enter();
                    loop {
                        // The lock is held only to take the next piece of work.
                        let next = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match next {
                            Ok(work) => work(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Composers { work })
    }

    /// Hands `compose` to a composing thread; its result is waited for with
    /// [`Composing::wait`].
    pub(crate) fn compose<T: Send + 'static>(
        &self,
        compose: impl FnOnce() -> T + Send + 'static,
    ) -> Composing<T> {
        let (done, result) = mpsc::sync_channel(1);
        let work: Work = Box::new(move || {
            // A panic loses this composition (the waiter hears so), not the thread.
            if let Ok(made) = catch_unwind(AssertUnwindSafe(compose)) {
                let _ = done.send(made);
            }
        });
        // With the threads gone, the work is dropped unrun and the waiter hears so.
        let _ = self.work.send(work);
        Composing { result }
    }
}

/// A composition under way.
pub(crate) struct Composing<T> {
    result: mpsc::Receiver<T>,
}

impl<T> Composing<T> {
    /// Waits for the result; `None` when the composition panicked or never ran.
    pub(crate) fn wait(&self) -> Option<T> {
        self.result.recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn each_waiter_gets_its_own_result_and_a_panic_is_only_its_own() {
        let composers = Composers::start(2, tokio::runtime::Handle::current()).unwrap();
        let waiting: Vec<_> = (0..50)
            .map(|n| {
                composers.compose(move || {
                    if n == 7 {
                        panic!("composition {n} failed");
                    }
                    n * 2
                })
            })
            .collect();
        let results: Vec<_> = waiting.iter().map(Composing::wait).collect();
        for (n, result) in results.into_iter().enumerate() {
            assert_eq!(result, (n != 7).then_some(n * 2), "composition {n}");
        }
        // The panic did not stop the threads: work handed over later is still done.
        assert_eq!(composers.compose(|| "after").wait(), Some("after"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_composition_may_use_the_runtime() {
        let composers = Composers::start(1, tokio::runtime::Handle::current()).unwrap();
        let inside = composers.compose(|| tokio::runtime::Handle::try_current().is_ok());
        assert_eq!(inside.wait(), Some(true));
    }
}
