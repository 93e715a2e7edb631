#!/usr/bin/env node
// Every published package has the same shape (ARCHITECTURE.md, "Package conventions").
// Run by `pnpm lint`; exits non-zero and names each package that drifts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const problems = [];
for (const dir of readdirSync(join(root, "packages"))) {
  const base = join(root, "packages", dir);
  const need = [
    "package.json",
    "src/index.ts",
    "test",
    "tsconfig.json",
    "tsup.config.ts",
    "README.md",
    "CHANGELOG.md",
  ];
  for (const file of need) {
    if (!existsSync(join(base, file))) problems.push(`packages/${dir}: missing ${file}`);
  }
  if (!existsSync(join(base, "package.json"))) continue;
  const pkg = JSON.parse(readFileSync(join(base, "package.json"), "utf8"));
  if (pkg.name !== `@zmq/${dir}`) problems.push(`packages/${dir}: name should be @zmq/${dir}`);
  if (pkg.engines?.node !== ">=20") problems.push(`packages/${dir}: engines.node should be ">=20"`);
  const dot = pkg.exports?.["."];
  if (!dot?.["@zmq/source"] || !dot?.import?.types || !dot?.require?.types) {
    problems.push(
      `packages/${dir}: exports["."] needs @zmq/source, import.types and require.types`,
    );
  }
  const index = existsSync(join(base, "src/index.ts"))
    ? readFileSync(join(base, "src/index.ts"), "utf8")
    : "";
  if (!index.trimStart().startsWith("/**"))
    problems.push(`packages/${dir}: src/index.ts should open with a package doc`);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`package shape: ${readdirSync(join(root, "packages")).length} packages ok`);
