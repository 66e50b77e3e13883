//! Test doubles shared by the workspace's tests. Every server listens on 127.0.0.1 only.
//!
//! - [`Server`]: an HTTP server that answers with scripted [`Reply`]s and records what it
//!   receives ([`Seen`]);
//! - [`Hostile`]: a raw TCP server that writes exactly the bytes it is given (redirects,
//!   endless bodies, escape sequences), and counts the requests that reach it;
//! - [`KeepAlive`]: an HTTP/1.1 server that closes idle keep-alive connections as a load
//!   balancer does;
//! - [`Capture`]: everything every crate traces, at every level, as text.

mod capture;
mod hostile;
mod keepalive;
mod recording;

pub use capture::Capture;
pub use hostile::{Answer, Hostile};
pub use keepalive::{IdleClose, KeepAlive};
pub use recording::{Reply, Seen, Server};
