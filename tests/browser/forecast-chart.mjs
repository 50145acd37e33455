// forecast-chart.mjs: the driver page's chart of the chosen lot in headless Chromium: today so
// far, the usual curve for today's kind of day, the next three hours with their band; redrawn
// in English at once; "not enough history" for a lot without any.
//
//   node forecast-chart.mjs BASE_URL LOT_WITH_HISTORY LOT_WITHOUT
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, withHistory, without] = process.argv.slice(2);
const HAN = /[\u3400-\u9fff]/;

const browser = await launch();
try {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(base + "/");
  await page.waitForSelector(`.lot[data-id="${withHistory}"]`);
  await page.click(`.lot[data-id="${withHistory}"] h3`);
  await page.waitForSelector("#chart svg.chart");
  const lines = await page.$$eval("#chart svg polyline", (nodes) =>
    Object.fromEntries(nodes.map((node) => [node.getAttribute("class"), node.getAttribute("points").trim().split(/\s+/).filter(Boolean).length])));
  assert.equal(lines.usual, 24, "the usual curve has a point per hour");
  assert.ok(lines.ahead >= 36 && lines.ahead <= 38, `three hours in 5-minute steps: ${lines.ahead}`);
  assert.ok(lines.today >= 1 && lines.today <= 24, `today so far: ${lines.today}`);
  assert.equal(await page.$$eval("#chart svg polygon.band", (nodes) => nodes.length), 1);
  assert.match(await page.textContent("#chart-title"), /今日空位$/);
  assert.match(await page.textContent("#chart-note"), /平常的(工作日|周末|节假日|调休上班日|节前工作日)/);

  await page.click("#language");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  const english = await page.textContent("#chart-area");
  assert.doesNotMatch(english, HAN, `the chart in English: ${english}`);
  assert.match(english, /free spaces today/);

  await page.click(`.lot[data-id="${without}"] h3`);
  await page.waitForFunction(() => document.querySelector("#chart-note").textContent === "Not enough history for a forecast yet");
  assert.equal(await page.$$eval("#chart svg", (nodes) => nodes.length), 0);
  assert.deepEqual(errors, []);
  console.log(`chart: usual ${lines.usual}, ahead ${lines.ahead}, today ${lines.today} points; English; insufficient said`);
} finally {
  await browser.close();
}
