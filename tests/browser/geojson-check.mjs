// geojson-check.mjs: validate a GeoJSON document (a file) with geojson-validation.
//
//   node geojson-check.mjs FILE
import { readFileSync } from "node:fs";
import validation from "geojson-validation";

const document = JSON.parse(readFileSync(process.argv[2], "utf8"));
const errors = validation.valid(document, true);
if (errors.length > 0) {
  console.error(errors.join("\n"));
  process.exit(1);
}
console.log(`valid GeoJSON: ${document.features.length} features`);
