// closure-pages.mjs: the driver page and the board show announced closures, in headless Chromium.
//
//   node closure-pages.mjs BASE_URL LAT LON
//
// Expects two lots in the group "closure-pages" at LAT,LON and nowhere near
// any other: "closure-now" closed by a closure with the reason "Flooded
// entrance", and "closure-soon" with a closure "Festival" starting within
// 7 days. Exits non-zero on any failure.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, lat, lon] = process.argv.slice(2);
const browser = await launch();
try {
  const context = await browser.newContext({
    geolocation: { latitude: Number(lat), longitude: Number(lon) }, permissions: ["geolocation"],
    viewport: { width: 390, height: 844 }, locale: "zh-CN",
  });
  const driver = await context.newPage();
  await driver.goto(base + "/");
  const meta = (id) => driver.locator(`.lot[data-id="${id}"] .meta`);
  await meta("closure-now").filter({ hasText: "临时关闭：Flooded entrance，至 " }).waitFor({ timeout: 15000 });
  await meta("closure-soon").filter({ hasText: " 起临时关闭：Festival" }).waitFor({ timeout: 15000 });
  assert.equal(await driver.locator('.lot[data-id="closure-now"] .badge').textContent(), "未开放");
  console.log(`driver: "${(await meta("closure-now").textContent()).trim()}"; ` +
    `"${(await meta("closure-soon").textContent()).trim()}"`);

  const board = await context.newPage();
  await board.goto(base + "/board?group=closure-pages");
  const row = board.locator('#lots li[data-id="closure-now"] .count');
  await row.filter({ hasText: "Flooded entrance，至 " }).waitFor({ timeout: 15000 });
  assert.match(await row.textContent(), /^未开放Flooded entrance，至 \d\d-\d\d \d\d:\d\d$/);
  console.log(`board: "${await row.textContent()}"`);
} finally {
  await browser.close();
}
