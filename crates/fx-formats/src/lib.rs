//! fx-formats (being built; see the crate description).
