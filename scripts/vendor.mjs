// Copies the pinned front-end files from node_modules into static/vendor/.
import { cpSync, mkdirSync } from "node:fs";

const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
};
mkdirSync("static/vendor", { recursive: true });
for (const [source, target] of Object.entries(files)) {
  cpSync(`node_modules/${source}`, `static/vendor/${target}`);
}
