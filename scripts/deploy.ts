// `npm run deploy -- <environment> [wrangler deploy flags]`: deploys one environment of both Workers,
// the request-serving one (wrangler.toml) and then the document processor (wrangler.processor.toml, whose
// inbox binding names the first by script_name), each stamped with the commit. A bare `wrangler deploy` would ship the top level of wrangler.toml, which is
// the development configuration (private outbound calls allowed, email to the log): refuse without one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConsole } from "./build-console.ts";
import { gitCommit } from "./lib/dev-env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const environments = [
  ...readFileSync(join(root, "wrangler.toml"), "utf8").matchAll(/^\[env\.([A-Za-z0-9_-]+)\]$/gm),
].map((match) => match[1]);
const [target, ...flags] = process.argv.slice(2);

if (!target || !environments.includes(target)) {
  console.error(
    `${target ? `Unknown environment "${target}".` : "Name the environment to deploy."} ` +
      `Use: npm run deploy -- <${environments.join("|")}> (README: Deploy lists what each one needs first).`,
  );
  process.exit(2);
}

await buildConsole();
const commit = process.env.GIT_COMMIT ?? gitCommit(root);
for (const config of ["wrangler.toml", "wrangler.processor.toml"]) {
  const args = ["deploy", "--config", config, "--env", target, "--var", `GIT_COMMIT:${commit}`, ...flags];
  console.log(`[deploy] wrangler ${args.join(" ")}`);
  const result = spawnSync(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
