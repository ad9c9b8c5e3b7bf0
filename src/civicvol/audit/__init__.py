"""The tamper-evident audit trail: a hash chain over the stored events, signed checkpoints,
verification of the store, and audit bundles checked by a stand-alone verifier."""
