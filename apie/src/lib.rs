//! The library half of `apie`: only what must be reachable from outside the binary. The
//! fuzz target `batch_input` (`fuzz/`) and the property tests drive `apie batch`'s input
//! reader directly, which a binary-only crate cannot offer them; the rest of the command
//! stays in the binary.

#![deny(missing_docs)]

// The file stays beside the rest of `apie batch`, which it belongs to.
#[path = "batch/input.rs"]
pub mod batch_input;
