//! Stopping feeds from outside: a cloneable handle and the signal feeds watch.

use tokio::sync::watch;

/// Stops a running [`super::FeedHandler`]: every feed finishes the frame it is on, closes its
/// socket cleanly and returns. Cloneable; any clone can stop the handler.
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    sender: watch::Sender<bool>,
}

impl ShutdownHandle {
    pub(crate) fn new() -> Self {
        ShutdownHandle {
            sender: watch::channel(false).0,
        }
    }

    /// Asks every feed to stop.
    pub fn shutdown(&self) {
        self.sender.send_replace(true);
    }

    /// True once [`ShutdownHandle::shutdown`] was called.
    #[must_use]
    pub fn is_shutdown(&self) -> bool {
        *self.sender.borrow()
    }

    pub(crate) fn signal(&self) -> ShutdownSignal {
        ShutdownSignal {
            receiver: self.sender.subscribe(),
        }
    }
}

/// What feed tasks wait on.
#[derive(Debug, Clone)]
pub(crate) struct ShutdownSignal {
    receiver: watch::Receiver<bool>,
}

impl ShutdownSignal {
    /// Resolves when shutdown is requested (at once if it already was).
    pub(crate) async fn requested(&mut self) {
        let _ = self.receiver.wait_for(|stop| *stop).await;
    }

    pub(crate) fn is_requested(&self) -> bool {
        *self.receiver.borrow()
    }
}
