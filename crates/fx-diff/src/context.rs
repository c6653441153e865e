//! Part 1 of the diff: what surrounds the evidence. The policy key by key,
//! the tool inventory tool by tool, the linked libraries, the toolchain
//! hash, the fx build, and the `flake.lock` input by input.

use std::collections::{BTreeMap, BTreeSet};

use fx_core::run::{FlakeLock, FlakeNode};
use serde_json::Value;

use crate::record::{Context, FlakeDiff, InputMove, ValueChange};
use crate::run_view::RunView;

/// Compares the context of two runs.
pub fn compare(a: &RunView, b: &RunView) -> Context {
    Context {
        policy: map_changes(
            &flatten(&a.manifest.policy),
            &flatten(&b.manifest.policy),
            "",
        ),
        tools: tools(a, b),
        libraries: map_changes(
            &strings(&a.inventory.libraries),
            &strings(&b.inventory.libraries),
            "",
        ),
        toolchain_hash: (a.manifest.toolchain_hash != b.manifest.toolchain_hash).then(|| {
            ValueChange::of_str(
                "toolchain_hash",
                a.manifest.toolchain_hash.as_deref(),
                b.manifest.toolchain_hash.as_deref(),
            )
        }),
        fx_build: a
            .builds()
            .into_iter()
            .zip(b.builds())
            .filter(|((_, x), (_, y))| x != y)
            .map(|((k, x), (_, y))| ValueChange::of_str(k, x, y))
            .collect(),
        flake_lock: flake(a, b),
    }
}

/// A JSON object flattened to `a.b.c` → leaf value (arrays are leaves).
pub fn flatten(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    flatten_into(v, String::new(), &mut out);
    out
}

fn flatten_into(v: &Value, prefix: String, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let key = match prefix.is_empty() {
                    true => k.clone(),
                    false => format!("{prefix}.{k}"),
                };
                flatten_into(x, key, out);
            }
        }
        _ if prefix.is_empty() => {}
        _ => {
            out.insert(prefix, v.clone());
        }
    }
}

fn strings(m: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    m.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

/// The keys whose values differ between two flat maps, in key order.
fn map_changes(
    a: &BTreeMap<String, Value>,
    b: &BTreeMap<String, Value>,
    prefix: &str,
) -> Vec<ValueChange> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| ValueChange::of(format!("{prefix}{k}"), a.get(k), b.get(k)))
        .collect()
}

fn tools(a: &RunView, b: &RunView) -> Vec<ValueChange> {
    let names: BTreeSet<&str> = a
        .inventory
        .tools
        .iter()
        .chain(&b.inventory.tools)
        .map(|t| t.name.as_str())
        .collect();
    let mut out = Vec::new();
    for name in names {
        let (ta, tb) = (a.tool(name), b.tool(name));
        let fields = |t: Option<&crate::run_view::ToolView>| -> [(&str, Option<String>); 4] {
            [
                ("status", t.map(|t| t.status.clone())),
                ("version", t.and_then(|t| t.version.clone())),
                ("path", t.and_then(|t| t.path.clone())),
                ("sha256", t.and_then(|t| t.sha256.clone())),
            ]
        };
        for ((field, x), (_, y)) in fields(ta).into_iter().zip(fields(tb)) {
            if x != y {
                out.push(ValueChange::of_str(
                    format!("{name}.{field}"),
                    x.as_deref(),
                    y.as_deref(),
                ));
            }
        }
    }
    out
}

fn flake(a: &RunView, b: &RunView) -> FlakeDiff {
    let sha = |r: &RunView| {
        r.inventory
            .flake_lock_sha256
            .clone()
            .or_else(|| r.manifest.flake_lock.as_ref().map(|l| l.sha256.clone()))
    };
    let (la, lb) = (
        a.manifest.flake_lock.as_ref(),
        b.manifest.flake_lock.as_ref(),
    );
    FlakeDiff {
        a_sha256: sha(a),
        b_sha256: sha(b),
        content_recorded: match (la.is_some(), lb.is_some()) {
            (true, true) => "both",
            (true, false) => "a",
            (false, true) => "b",
            (false, false) => "neither",
        },
        inputs: match (la, lb) {
            (Some(la), Some(lb)) => input_moves(la, lb),
            _ => Vec::new(),
        },
    }
}

/// The inputs (every node but the root) whose lock entries differ.
pub fn input_moves(a: &FlakeLock, b: &FlakeLock) -> Vec<InputMove> {
    let names: BTreeSet<&String> = a
        .nodes
        .keys()
        .filter(|n| **n != a.root)
        .chain(b.nodes.keys().filter(|n| **n != b.root))
        .collect();
    let mut out = Vec::new();
    for name in names {
        let (na, nb) = (a.nodes.get(name), b.nodes.get(name));
        let (fa, fb) = (node_fields(na), node_fields(nb));
        let fields = map_changes(&fa, &fb, "");
        if fields.is_empty() {
            continue;
        }
        out.push(InputMove {
            input: name.clone(),
            change: match (na, nb) {
                (Some(_), Some(_)) => "moved",
                (None, _) => "added",
                (_, None) => "removed",
            },
            from_rev: rev(na),
            to_rev: rev(nb),
            fields,
        });
    }
    out
}

fn node_fields(n: Option<&FlakeNode>) -> BTreeMap<String, Value> {
    n.and_then(|n| serde_json::to_value(n).ok())
        .map(|v| flatten(&v))
        .unwrap_or_default()
}

fn rev(n: Option<&FlakeNode>) -> Option<String> {
    n?.locked
        .as_ref()?
        .get("rev")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(rev: &str, extra: &str) -> FlakeLock {
        let text = format!(
            r#"{{"nodes":{{"nixpkgs":{{"locked":{{"lastModified":1,"owner":"NixOS","repo":"nixpkgs","rev":"{rev}","type":"github"}},"original":{{"owner":"NixOS","ref":"nixos-25.05","repo":"nixpkgs","type":"github"}}}},{extra}"root":{{"inputs":{{"nixpkgs":"nixpkgs"}}}}}},"root":"root","version":7}}"#
        );
        FlakeLock::parse(text.as_bytes()).expect("lock")
    }

    #[test]
    fn a_moved_input_names_its_revisions() {
        let a = lock("aaa", "");
        let b = lock(
            "bbb",
            r#""flake-utils":{"locked":{"rev":"ccc","type":"github"}},"#,
        );
        let moves = input_moves(&a, &b);
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[0].input, "flake-utils");
        assert_eq!(moves[0].change, "added");
        assert_eq!(moves[0].to_rev.as_deref(), Some("ccc"));
        assert_eq!(moves[1].input, "nixpkgs");
        assert_eq!(moves[1].change, "moved");
        assert_eq!(moves[1].from_rev.as_deref(), Some("aaa"));
        assert_eq!(moves[1].to_rev.as_deref(), Some("bbb"));
        assert_eq!(
            moves[1].fields,
            vec![ValueChange {
                key: "locked.rev".into(),
                a: Some("\"aaa\"".into()),
                b: Some("\"bbb\"".into())
            }]
        );
        assert!(input_moves(&a, &lock("aaa", "")).is_empty());
    }

    #[test]
    fn policies_flatten_to_section_keys() {
        let a = serde_json::json!({"probe":{"hash_baseline":"owasp-2025","top_k":8}});
        let b = serde_json::json!({"probe":{"hash_baseline":"cnsa-2.0","top_k":8},"seq":{"x":1}});
        let changes = map_changes(&flatten(&a), &flatten(&b), "");
        let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["probe.hash_baseline", "seq.x"]);
        assert_eq!(changes[0].b.as_deref(), Some("\"cnsa-2.0\""));
        assert_eq!(changes[1].a, None);
    }
}
