//! Generates `ui/src/api/bindings.ts` (typed wrappers for every command) from the command
//! signatures in `src/commands/`, and fails when the committed file is stale. Also checks that
//! build.rs and capabilities/default.json list exactly the commands the source defines.
//! Regenerate: `UPDATE_BINDINGS=1 cargo test -p routemate-desktop bindings`.

use std::path::{Path, PathBuf};

/// One `#[tauri::command]` as the UI sees it.
#[derive(Debug, PartialEq)]
struct Command {
    name: String,
    docs: Vec<String>,
    /// (name as the UI passes it: camelCase, TypeScript type)
    params: Vec<(String, String)>,
    ret: String,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads every command from the source files, in file-name then source order.
fn commands() -> Vec<Command> {
    let dir = crate_dir().join("src/commands");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| parse(&std::fs::read_to_string(f).unwrap()))
        .collect()
}

fn parse(src: &str) -> Vec<Command> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "#[tauri::command]" {
            continue;
        }
        let docs: Vec<String> = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("///"))
            .map(|l| l.trim_start().trim_start_matches("///").trim().to_string())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let sig: String = lines[i + 1..].join("\n");
        let sig = &sig[..sig.find('{').expect("command body")];
        let name = sig
            .split("fn ")
            .nth(1)
            .unwrap()
            .split(['(', '<'])
            .next()
            .unwrap()
            .trim()
            .to_string();
        let open = sig.find("(").unwrap();
        let close = sig
            .rfind(") ->")
            .expect("commands return Result<_, UiError>");
        let params = split_top(&sig[open + 1..close])
            .into_iter()
            .filter_map(|p| {
                let (n, t) = p.split_once(':')?;
                let t = t.trim();
                (!t.starts_with("State<") && !t.starts_with("AppHandle"))
                    .then(|| (camel(n.trim()), ts_type(t)))
            })
            .collect();
        let ret = sig[close + 4..].trim();
        let inner = ret
            .strip_prefix("Result<")
            .and_then(|r| r.strip_suffix(", UiError>"));
        let ret = ts_type(inner.unwrap_or_else(|| panic!("{name} must return Result<_, UiError>")));
        out.push(Command {
            name,
            docs,
            params,
            ret,
        });
    }
    out
}

/// Splits at commas outside `<>`.
fn split_top(s: &str) -> Vec<String> {
    let (mut depth, mut cur, mut out) = (0, String::new(), Vec::new());
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Rust type → TypeScript type; domain types come from `./types`.
fn ts_type(t: &str) -> String {
    let t = t.trim();
    if let Some(inner) = t.strip_prefix("Option<").and_then(|r| r.strip_suffix('>')) {
        return format!("{} | null", ts_type(inner));
    }
    if let Some(inner) = t.strip_prefix("Vec<").and_then(|r| r.strip_suffix('>')) {
        return format!("{}[]", ts_type(inner));
    }
    match t {
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "f64" | "f32" | "u32" | "u64" | "usize" | "i64" | "i32" => "number".into(),
        "()" => "null".into(),
        other => format!("T.{other}"),
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn render(cmds: &[Command]) -> String {
    let mut s = String::from(
        "// Generated from src-tauri/src/commands by `cargo test -p routemate-desktop bindings`.\n\
         // Do not edit: regenerate with UPDATE_BINDINGS=1 cargo test -p routemate-desktop bindings.\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\
         import type * as T from \"./types\";\n\n\
         /** Every command the shell exposes. */\n\
         export const COMMAND_NAMES = [\n",
    );
    for c in cmds {
        s += &format!("  \"{}\",\n", c.name);
    }
    s += "] as const;\n\nexport type CommandName = (typeof COMMAND_NAMES)[number];\n\n";
    s += "/** Typed wrappers: the UI never calls `invoke` with a raw string. */\nexport const commands = {\n";
    for c in cmds {
        if !c.docs.is_empty() {
            s += &format!("  /** {} */\n", c.docs.join(" "));
        }
        let params: Vec<String> = c.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let names: Vec<&str> = c.params.iter().map(|(n, _)| n.as_str()).collect();
        let args = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        s += &format!(
            "  {}: ({}): Promise<{}> => invoke(\"{}\"{}),\n",
            camel(&c.name),
            params.join(", "),
            c.ret,
            c.name,
            args
        );
    }
    s += "};\n";
    s
}

fn check_file(path: &Path, expected: &str) {
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(path, expected).unwrap();
        return;
    }
    let found = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p routemate-desktop bindings",
        path.display()
    );
}

#[test]
fn bindings_are_current() {
    let cmds = commands();
    assert!(cmds.len() >= 20, "parsed only {} commands", cmds.len());
    check_file(
        &crate_dir().join("../ui/src/api/bindings.ts"),
        &render(&cmds),
    );
}

#[test]
fn build_rs_and_capabilities_list_every_command() {
    let mut names: Vec<String> = commands().into_iter().map(|c| c.name).collect();
    names.sort();
    let build = std::fs::read_to_string(crate_dir().join("build.rs")).unwrap();
    let list = &build[build.find("COMMANDS").unwrap()..build.find("];").unwrap()];
    let mut in_build: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    in_build.sort();
    assert_eq!(
        in_build, names,
        "build.rs COMMANDS differs from src/commands"
    );

    let cap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir().join("capabilities/default.json")).unwrap(),
    )
    .unwrap();
    let mut allowed: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.as_str()?
                .strip_prefix("allow-")
                .map(|n| n.replace('-', "_"))
        })
        .collect();
    allowed.sort();
    assert_eq!(
        allowed, names,
        "capabilities/default.json must allow exactly the commands"
    );

    let lib = std::fs::read_to_string(crate_dir().join("src/lib.rs")).unwrap();
    for n in &names {
        assert!(
            lib.contains(&format!("::{n},")),
            "{n} is not in the invoke handler"
        );
    }
}

#[test]
fn signatures_map_to_typescript() {
    let src = "/// Lists.\n#[tauri::command]\npub async fn list_things(\n    state: State<'_, Desktop>,\n    job_id: String,\n    ids: Vec<String>,\n    note: Option<String>,\n) -> Result<Option<JobView>, UiError> {\n";
    assert_eq!(
        parse(src),
        vec![Command {
            name: "list_things".into(),
            docs: vec!["Lists.".into()],
            params: vec![
                ("jobId".into(), "string".into()),
                ("ids".into(), "string[]".into()),
                ("note".into(), "string | null".into())
            ],
            ret: "T.JobView | null".into(),
        }]
    );
}
