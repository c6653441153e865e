//! `fx-route`: Labels every artifact with its type and records the routing decisions. The logic lives in the `fx-route` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    fx_core::cli::stage_main(
        "fx-route",
        "Labels every artifact with its type and records the routing decisions",
        "fx-route --run RUN < jobs.jsonl > routed.jsonl",
        fx_route::Router::new,
    )
}

/// mimalloc: every stage allocates many small JSON values per job, and
/// glibc's malloc and free took a third of fx-inspect's time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
