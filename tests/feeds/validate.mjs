// validate.mjs: validate JSON documents (files) against a JSON Schema with ajv (draft-07, formats).
//
//   node validate.mjs [--closed] SCHEMA DOCUMENT...
//
// SCHEMA is one schema file, or a directory holding a DATEX II JSON Schema set as the DATEX II
// tools generate it (draft-04, one file per namespace, DATEXII_3_D2Payload.json the root). A set
// is read with draft-04's rules (see datexSet); --closed also refuses, in every object the set
// defines, any member the definition does not name.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

// Draft-04 ignores every keyword beside "$ref"; ajv 8 applies them. The root of a DATEX II set
// ({"$ref", "type", "additionalProperties": false}) would refuse every member if they applied.
function refsAlone(node) {
  if (Array.isArray(node)) return node.map(refsAlone);
  if (node === null || typeof node !== "object") return node;
  if (typeof node.$ref === "string") return { $ref: node.$ref };
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, refsAlone(value)]));
}

// The definition a "File.json#/definitions/Name" reference names, within the set.
function definitionOf(set, ref) {
  const [file, pointer] = ref.split("#/definitions/");
  return set.get(file)?.definitions?.[pointer];
}

// Closed: an object definition's members are its own and those of the definitions it extends
// (allOf of references, DATEX II's generalisation), and nothing else.
function closeDefinitions(set) {
  const merged = (definition, seen) => {
    let properties = { ...(definition.properties ?? {}) };
    let required = [...(definition.required ?? [])];
    for (const part of definition.allOf ?? []) {
      const base = part.$ref ? definitionOf(set, part.$ref) : undefined;
      if (base === undefined || seen.has(base)) throw new Error(`cannot close over ${part.$ref}`);
      const inherited = merged(base, new Set([...seen, base]));
      properties = { ...inherited.properties, ...properties };
      required = [...new Set([...inherited.required, ...required])];
    }
    return { properties, required };
  };
  for (const schema of set.values()) {
    for (const definition of Object.values(schema.definitions ?? {})) {
      if (definition.properties === undefined && definition.allOf === undefined) continue;
      const { properties, required } = merged(definition, new Set([definition]));
      delete definition.allOf;
      Object.assign(definition, { type: "object", properties, additionalProperties: false });
      if (required.length > 0) definition.required = required;
    }
  }
}

// The set's files added to ajv under their file URLs (their references are relative file names);
// returns the root's validator.
function datexSet(ajv, directory, closed) {
  const set = new Map();
  for (const name of readdirSync(directory).filter((file) => /^DATEXII_3_\w+\.json$/.test(file))) {
    const schema = JSON.parse(readFileSync(join(directory, name), "utf8"));
    if (schema.$schema !== "http://json-schema.org/draft-04/schema#")
      throw new Error(`${name}: not a draft-04 schema`);
    set.set(name, refsAlone(schema));
  }
  if (closed) closeDefinitions(set);
  for (const [name, schema] of set)
    ajv.addSchema({ ...schema, $schema: DRAFT_07, $id: pathToFileURL(join(directory, name)).href });
  return ajv.getSchema(pathToFileURL(join(directory, "DATEXII_3_D2Payload.json")).href);
}

const args = process.argv.slice(2);
const closed = args[0] === "--closed";
const [schemaPath, ...documents] = closed ? args.slice(1) : args;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
let validate;
if (statSync(schemaPath).isDirectory()) {
  validate = datexSet(ajv, resolve(schemaPath), closed);
} else {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
  // ParkAPI v1's copy names its own site as "$schema" (a draft-04-style document): no
  // meta-schema ajv knows, so the document is checked as draft-07, which reads it the same.
  if (schema.$schema && !schema.$schema.startsWith("http://json-schema.org/")) delete schema.$schema;
  validate = ajv.compile(schema);
}
let failed = 0;
for (const path of documents) {
  if (!validate(JSON.parse(readFileSync(path, "utf8")))) {
    failed++;
    console.error(`${path}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`valid: ${documents.length} documents`);
