//! Nothing but its test (`tests/both_clients.rs`): two generated clients of the platform in
//! one dependency graph, each against its own mock.
