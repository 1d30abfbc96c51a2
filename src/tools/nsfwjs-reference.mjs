// Reference scores for Sightline's classifier fixtures: runs nsfwjs' own classify() (TensorFlow.js,
// CPU backend) on 224 × 224 PNG files and writes {"<file name>": {"drawing": …, …}} as JSON to OUT.
// The PNGs are already 224 × 224, so nsfwjs does not resize them: both sides see identical pixels.
//
//   cd /tmp/nsfwjs && npm install nsfwjs@4.4.0 @tensorflow/tfjs pngjs
//   node <repo>/src/tools/nsfwjs-reference.mjs OUT.json <repo>/src/test/resources/classify/*.png
//   (run it with NODE_PATH or from a directory whose node_modules holds those packages)
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const require = createRequire(join(process.cwd(), "noop.js"));
const tf = require("@tensorflow/tfjs");
const nsfwjs = require("nsfwjs");
const { PNG } = require("pngjs");

await tf.setBackend("cpu");
const model = await nsfwjs.load("MobileNetV2");
const out = {};
const [outFile, ...files] = process.argv.slice(2);
for (const file of files) {
  const png = PNG.sync.read(readFileSync(file));
  const rgb = new Int32Array(png.width * png.height * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4) {
    rgb[j++] = png.data[i];
    rgb[j++] = png.data[i + 1];
    rgb[j++] = png.data[i + 2];
  }
  const image = tf.tensor3d(rgb, [png.height, png.width, 3], "int32");
  const predictions = await model.classify(image, 5);
  image.dispose();
  const scores = {};
  for (const p of predictions.sort((a, b) => a.className.localeCompare(b.className))) {
    scores[p.className.toLowerCase()] = p.probability;
  }
  out[basename(file)] = scores;
}
writeFileSync(outFile, JSON.stringify(out, null, 2) + "\n");
