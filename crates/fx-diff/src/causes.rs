//! Part 3 of the diff: why an event changed.
//!
//! For each module with a change in a job, the direct causes are the tools
//! that module ran in this job (the `tool` records of its events in either
//! run, or every tool whose presence changed when one of its events was
//! skipped as `tool_unavailable`) whose inventory entries differ, and the
//! policy values the module reads that differ (its own section, and the
//! shared `limits`, `tools`, `safety` and `tenancy`). A change with no
//! direct cause inherits the direct causes of the earlier modules of the
//! pipeline that changed in the same job (`via` names them: a region cap
//! in fx-inspect changes what fx-probe sees). Failing that, a different fx
//! build is named; failing that, the change is `unexplained`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::record::{Cause, Context, EventChange};
use crate::run_view::RunView;

/// The modules in pipeline order; others come after them.
pub const PIPELINE: &[&str] = &["ingest", "route", "inspect", "probe", "fingerprint", "seq"];

/// Policy sections every module reads.
const SHARED_SECTIONS: &[&str] = &["limits", "tools", "safety", "tenancy"];

/// Where a module stands in the pipeline.
pub fn module_rank(module: &str) -> usize {
    PIPELINE
        .iter()
        .position(|m| *m == module)
        .unwrap_or(PIPELINE.len())
}

/// A tool whose inventory entries differ.
#[derive(Clone, Debug, Default)]
struct ToolChange {
    /// What tells the two apart in run A: the version, else the binary
    /// hash, else the status, else the path.
    a: Option<String>,
    /// The same in run B.
    b: Option<String>,
    /// Present in one run only.
    presence_changed: bool,
    /// Flake inputs that moved, when both runs took the tool from the store.
    flake_inputs: Vec<String>,
}

/// What differs around the evidence, in the form the attribution needs.
#[derive(Clone, Debug, Default)]
pub struct CauseContext {
    /// Policy keys (`section.key`) that differ.
    policy_keys: Vec<String>,
    /// Tools whose inventory entries differ.
    tools: BTreeMap<String, ToolChange>,
    /// The fx builds, when they differ.
    build: Option<(Option<String>, Option<String>)>,
}

impl CauseContext {
    /// Builds the attribution context from the compared context.
    pub fn new(context: &Context, a: &RunView, b: &RunView) -> CauseContext {
        let mut tools = BTreeMap::new();
        let moved: Vec<String> = context
            .flake_lock
            .inputs
            .iter()
            .map(|m| m.input.clone())
            .collect();
        let names: BTreeSet<&str> = context
            .tools
            .iter()
            .filter_map(|c| c.key.split_once('.').map(|(n, _)| n))
            .collect();
        for name in names {
            let (ta, tb) = (a.tool(name).cloned(), b.tool(name).cloned());
            let (ta, tb) = (ta.unwrap_or_default(), tb.unwrap_or_default());
            let presence_changed = ta.status != tb.status;
            let from_store = |t: &crate::run_view::ToolView| {
                t.path
                    .as_deref()
                    .is_some_and(|p| p.starts_with("/nix/store/"))
            };
            let flake_inputs = match from_store(&ta) && from_store(&tb) {
                true => moved.clone(),
                false => Vec::new(),
            };
            let label = if ta.version != tb.version {
                (ta.version, tb.version)
            } else if ta.sha256 != tb.sha256 {
                (ta.sha256, tb.sha256)
            } else if presence_changed {
                (Some(ta.status), Some(tb.status))
            } else {
                (ta.path, tb.path)
            };
            tools.insert(
                name.to_owned(),
                ToolChange {
                    a: label.0,
                    b: label.1,
                    presence_changed,
                    flake_inputs,
                },
            );
        }
        let build = (!context.fx_build.is_empty()).then(|| {
            let pick = |r: &RunView| {
                r.manifest
                    .fx_build
                    .clone()
                    .or_else(|| r.inventory.fx_version.clone())
                    .or_else(|| r.manifest.fx_version.clone())
            };
            (pick(a), pick(b))
        });
        CauseContext {
            policy_keys: context.policy.iter().map(|c| c.key.clone()).collect(),
            tools,
            build,
        }
    }

    /// The direct causes of a change in `module`, given the job's events of
    /// that module in both runs.
    fn direct(&self, module: &str, events: &[&Value]) -> Vec<Cause> {
        let mut out = Vec::new();
        let mut used: BTreeSet<&str> = events
            .iter()
            .filter_map(|e| e.pointer("/tool/name").and_then(Value::as_str))
            .collect();
        let unavailable = events
            .iter()
            .any(|e| e.get("reason").and_then(Value::as_str) == Some("tool_unavailable"));
        if unavailable {
            used.extend(
                self.tools
                    .iter()
                    .filter(|(_, t)| t.presence_changed)
                    .map(|(n, _)| n.as_str()),
            );
        }
        for name in used {
            if let Some(t) = self.tools.get(name) {
                out.push(Cause::Tool {
                    tool: name.to_owned(),
                    a: t.a.clone(),
                    b: t.b.clone(),
                    flake_inputs: t.flake_inputs.clone(),
                    via: None,
                });
            }
        }
        let keys: Vec<String> = self
            .policy_keys
            .iter()
            .filter(|k| {
                let section = k.split('.').next().unwrap_or("");
                section == module || SHARED_SECTIONS.contains(&section)
            })
            .cloned()
            .collect();
        if !keys.is_empty() {
            out.push(Cause::Policy { keys, via: None });
        }
        out
    }

    /// Fills in the causes of a job's event changes (already in pipeline
    /// order). `a` and `b` are the job's events in each run.
    pub fn attribute(&self, changes: &mut [EventChange], a: &[Value], b: &[Value]) {
        let modules: BTreeSet<&str> = changes.iter().map(|c| c.module.as_str()).collect();
        let direct: BTreeMap<String, Vec<Cause>> = modules
            .iter()
            .map(|m| {
                let events: Vec<&Value> = a
                    .iter()
                    .chain(b)
                    .filter(|e| e.get("module").and_then(Value::as_str) == Some(m))
                    .collect();
                (m.to_string(), self.direct(m, &events))
            })
            .collect();
        for change in changes.iter_mut() {
            let mut causes = direct.get(&change.module).cloned().unwrap_or_default();
            if causes.is_empty() {
                let rank = module_rank(&change.module);
                let mut upstream: Vec<(&String, &Vec<Cause>)> = direct
                    .iter()
                    .filter(|(m, _)| module_rank(m) < rank)
                    .collect();
                upstream.sort_by_key(|(m, _)| module_rank(m));
                for (m, cs) in upstream {
                    for c in cs {
                        causes.push(match c.clone() {
                            Cause::Tool {
                                tool,
                                a,
                                b,
                                flake_inputs,
                                ..
                            } => Cause::Tool {
                                tool,
                                a,
                                b,
                                flake_inputs,
                                via: Some(m.clone()),
                            },
                            Cause::Policy { keys, .. } => Cause::Policy {
                                keys,
                                via: Some(m.clone()),
                            },
                            other => other,
                        });
                    }
                }
            }
            if causes.is_empty()
                && let Some((a, b)) = &self.build
            {
                causes.push(Cause::FxBuild {
                    a: a.clone(),
                    b: b.clone(),
                });
            }
            if causes.is_empty() {
                causes.push(Cause::Unexplained);
            }
            change.causes = causes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::EventChange;
    use crate::run_view::{InventoryView, ManifestView};
    use serde_json::json;

    fn run(baseline: &str, openssl: &str, build: &str) -> RunView {
        let manifest: ManifestView = serde_json::from_value(json!({
            "fx": "run/1", "run_id": "r",
            "policy": {"probe": {"hash_baseline": baseline}, "inspect": {"max_regions": 16}},
            "fx_build": build
        }))
        .expect("manifest");
        let inventory: InventoryView = serde_json::from_value(json!({
            "fx": "inventory/1",
            "tools": [{"name": "openssl", "status": "present", "version": openssl,
                       "path": "/usr/bin/openssl", "sha256": format!("sha256:{openssl}")},
                      {"name": "tshark", "status": "present", "version": "4"}]
        }))
        .expect("inventory");
        RunView {
            path: "r".into(),
            manifest,
            inventory,
            max_line: 1 << 20,
        }
    }

    fn changed(module: &str, step: &str) -> EventChange {
        EventChange {
            change: "changed",
            module: module.into(),
            step: step.into(),
            occurrence: 0,
            a_status: None,
            b_status: None,
            fields: Vec::new(),
            fields_total: 1,
            causes: Vec::new(),
        }
    }

    fn attribute(a: &RunView, b: &RunView, changes: &mut [EventChange], events: &[Value]) {
        let ctx = crate::context::compare(a, b);
        CauseContext::new(&ctx, a, b).attribute(changes, events, events);
    }

    #[test]
    fn policy_keys_reach_their_module_and_what_follows() {
        let (a, b) = (run("owasp-2025", "3", "x"), run("cnsa-2.0", "3", "x"));
        let mut changes = [
            changed("route", "label"),
            changed("probe", "hash_kdf"),
            changed("seq", "summary"),
        ];
        attribute(&a, &b, &mut changes, &[]);
        assert_eq!(changes[0].causes, [Cause::Unexplained]);
        let policy = |via: Option<&str>| Cause::Policy {
            keys: vec!["probe.hash_baseline".into()],
            via: via.map(str::to_owned),
        };
        assert_eq!(changes[1].causes, [policy(None)]);
        assert_eq!(changes[2].causes, [policy(Some("probe"))]);
    }

    #[test]
    fn a_tool_the_module_ran_is_named_before_the_build() {
        let (a, b) = (run("p", "3.0", "x"), run("p", "9.9", "y"));
        let events = [
            json!({"module": "inspect", "step": "tool:openssl_x509", "status": "ok",
                             "tool": {"name": "openssl"}}),
        ];
        let mut changes = [
            changed("inspect", "tool:openssl_x509"),
            changed("probe", "pqc"),
        ];
        attribute(&a, &b, &mut changes, &events);
        let tool = |via: Option<&str>| Cause::Tool {
            tool: "openssl".into(),
            a: Some("3.0".into()),
            b: Some("9.9".into()),
            flake_inputs: Vec::new(),
            via: via.map(str::to_owned),
        };
        assert_eq!(changes[0].causes, [tool(None)]);
        assert_eq!(changes[1].causes, [tool(Some("inspect"))]);

        let mut alone = [changed("route", "label")];
        attribute(&a, &b, &mut alone, &events);
        assert_eq!(
            alone[0].causes,
            [Cause::FxBuild {
                a: Some("x".into()),
                b: Some("y".into())
            }]
        );
    }
}
