// `npm run deploy` was a bare `wrangler deploy`, which ships wrangler.toml's top level: the development
// configuration. It now needs an environment and refuses without one. Nothing here reaches Cloudflare:
// the refusals happen before wrangler starts, and the accepted case is wrangler's --dry-run (offline).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

function deploy(...args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "deploy", "--", ...args], {
    cwd: root,
    encoding: "utf8",
    // Two Workers are built (the request-serving one, then the processor).
    timeout: 150_000,
    // No credentials: should anything try to reach Cloudflare, it fails instead of deploying.
    env: {
      ...process.env,
      CLOUDFLARE_API_TOKEN: "",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("npm run deploy", () => {
  it("refuses to deploy without an environment, and names the ones there are", () => {
    const { status, output } = deploy();
    expect(status).toBe(2);
    expect(output).toContain("Name the environment to deploy. Use: npm run deploy -- <staging|production>");
  });

  it("refuses an environment wrangler.toml does not declare", () => {
    const { status, output } = deploy("prod");
    expect(status).toBe(2);
    expect(output).toContain('Unknown environment "prod"');
  });

  it("builds the named environment's two Workers, stamped with the commit (dry run)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "switchboard-deploy-"));
    try {
      const { status, output } = deploy("staging", "--dry-run", "--outdir", outdir);
      expect(status, output).toBe(0);
      expect(output).toMatch(
        /wrangler deploy --config wrangler.toml --env staging --var GIT_COMMIT:\S+ --dry-run/,
      );
      expect(output).toMatch(
        /wrangler deploy --config wrangler.processor.toml --env staging --var GIT_COMMIT:\S+ --dry-run/,
      );
      expect(output).toContain('env.ENVIRONMENT ("staging")');
      expect(output).toContain("switchboard-staging-documents");
      // The processor reaches the request Worker's inbox object by script name.
      expect(output).toContain("TenantInbox, defined in switchboard-staging");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});
