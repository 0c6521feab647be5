//! Book stand-ins: a true book that walks randomly ([`TrueBook`]) and a loopback exchange
//! that streams it in a venue's wire format with injected faults ([`BookStandIn`]).

mod standin;
mod true_book;

pub use standin::{BookStandIn, BookWire, Fault, Reply, StreamScript, Truth, Update};
pub use true_book::{render, Change, Side, TrueBook, View};
