// validate.mjs: validate JSON documents (files) against a JSON Schema with ajv (draft-07, formats).
//
//   node validate.mjs SCHEMA DOCUMENT...
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [schemaPath, ...documents] = process.argv.slice(2);
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
// ParkAPI v1's copy names its own site as "$schema" (a draft-04-style document): no
// meta-schema ajv knows, so the document is checked as draft-07, which reads it the same.
if (schema.$schema && !schema.$schema.startsWith("http://json-schema.org/")) delete schema.$schema;
const validate = ajv.compile(schema);
let failed = 0;
for (const path of documents) {
  if (!validate(JSON.parse(readFileSync(path, "utf8")))) {
    failed++;
    console.error(`${path}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`valid: ${documents.length} documents`);
