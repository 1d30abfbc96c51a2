// Extracts the MobileNetV2 model that the npm package nsfwjs ships wrapped in JavaScript modules
// into the plain TensorFlow.js layers-model files Sightline loads (model.json + one weights shard),
// with the package's licence and a PROVENANCE file (package, version, SHA-256 of every file).
//
//   mkdir /tmp/nsfwjs && cd /tmp/nsfwjs && npm install nsfwjs@4.4.0
//   node src/tools/extract-nsfwjs-model.mjs /tmp/nsfwjs/node_modules/nsfwjs src/main/resources/models/nsfwjs-mobilenet-v2
//
// The modules are UMD bundles: required as CommonJS they export the model JSON (an object) and the
// weights (a base64 string). Nothing here runs at Sightline's run time.
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

const [packageDir, outDir] = process.argv.slice(2).map((p) => p && resolve(p));
if (!packageDir || !outDir) {
  console.error("usage: node extract-nsfwjs-model.mjs <node_modules/nsfwjs> <output dir>");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const modelDir = join(packageDir, "dist", "models", "mobilenet_v2");
const modelJson = require(join(modelDir, "model.min.js"));
if (!modelJson.modelTopology || !modelJson.weightsManifest) throw new Error("model.min.js: no modelTopology/weightsManifest");

mkdirSync(outDir, { recursive: true });
const written = {};
const write = (name, bytes) => {
  writeFileSync(join(outDir, name), bytes);
  written[name] = createHash("sha256").update(bytes).digest("hex");
};
for (const group of modelJson.weightsManifest) {
  for (const path of group.paths) {
    const module = require(join(modelDir, `${path}.min.js`));
    const base64 = typeof module === "string" ? module : module.default;
    if (typeof base64 !== "string") throw new Error(`${path}.min.js does not export a base64 string`);
    write(`${path}.bin`, Buffer.from(base64, "base64"));
  }
}
write("model.json", Buffer.from(JSON.stringify(modelJson)));
write("LICENSE", readFileSync(join(packageDir, "LICENSE")));

const sources = {};
for (const f of ["model.min.js", ...modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => `${p}.min.js`))]) {
  sources[f] = createHash("sha256").update(readFileSync(join(modelDir, f))).digest("hex");
}
const lines = [
  `package: ${pkg.name}`,
  `version: ${pkg.version}`,
  `license: ${pkg.license}`,
  `source: https://www.npmjs.com/package/${pkg.name}/v/${pkg.version} (dist/models/mobilenet_v2)`,
  `extracted-by: src/tools/extract-nsfwjs-model.mjs`,
  ...Object.entries(sources).map(([f, h]) => `source-sha256: ${h}  dist/models/mobilenet_v2/${f}`),
  ...Object.entries(written).sort().map(([f, h]) => `sha256: ${h}  ${f}`),
];
writeFileSync(join(outDir, "PROVENANCE"), lines.join("\n") + "\n");
console.log(lines.join("\n"));
