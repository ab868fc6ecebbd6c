//! The cdylib that wasm-pack builds into the npm package `@geckoguard/webhooks`.
//! The bindings live in the main crate (`src/wasm.rs`, feature `wasm`).

pub use geckoguard_webhooks::wasm::*;
