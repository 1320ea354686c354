// Copies the offline API docs UI (swagger-ui-dist) into public/vendor so /docs works without a CDN.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "swagger-ui-dist");
const target = join(root, "public", "vendor", "swagger-ui");
if (existsSync(source)) {
  mkdirSync(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]) {
    copyFileSync(join(source, file), join(target, file));
  }
}
