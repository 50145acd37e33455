// driver-page.mjs: the driver page in headless Chromium against a running daemon.
//
//   node driver-page.mjs BASE_URL ATTENDANT_TOKEN LOT_ID SCREENSHOT
//
// Loads / with the phone's position set next to LOT_ID, checks the lots and
// counts shown against the API, posts an attendant's update and waits for
// the page to show it without a reload. Exits non-zero on any failure.
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const [base, token, lotId, screenshot] = process.argv.slice(2);

async function api(path, init) {
  const response = await fetch(base + path, init);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

const target = await api(`/v1/lots/${lotId}`);
const position = { latitude: target.location.lat, longitude: target.location.lon };
const browser = await launch();
try {
  const context = await browser.newContext({
    geolocation: position, permissions: ["geolocation"], viewport: { width: 390, height: 844 },
    locale: "zh-CN",
  });
  const page = await context.newPage();
  const outside = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith("data:")) outside.push(request.url());
  });
  await page.goto(base + "/");
  await page.waitForSelector(".lot");

  // The list is what the API says for that position, in distance order.
  const expected = (await api(`/v1/lots?near=${position.latitude},${position.longitude}&radius=5000&limit=100`)).lots;
  await page.waitForFunction((count) => document.querySelectorAll(".lot").length === count, expected.length);
  const shown = await page.$$eval(".lot", (cards) => cards.map((card) => ({
    id: card.dataset.id,
    name: card.querySelector("h3").textContent,
    free: card.querySelector(".free").textContent,
    badge: card.querySelector(".badge").className,
    link: card.querySelector(".go a").getAttribute("href"),
    meta: card.querySelector(".meta").textContent,
  })));
  assert.deepEqual(shown.map((lot) => lot.id), expected.map((lot) => lot.id));
  assert.equal(shown[0].id, lotId, "the nearest lot comes first");
  for (const [index, lot] of expected.entries()) {
    assert.equal(shown[index].name, lot.name);
    // A count that is stale or missing is never a number.
    assert.equal(shown[index].free, lot.free === null ? "暂无数据" : String(lot.free));
    const nearly = lot.state === "open" && lot.free <= Math.floor(lot.capacity * 0.1);
    assert.equal(shown[index].badge, `badge ${nearly ? "nearly" : lot.state}`);
    assert.ok(shown[index].link.startsWith(`geo:${lot.location.lat},${lot.location.lon}?q=`));
  }
  assert.match(shown[0].meta, /^0 米 · /, "distance of the lot under the phone");
  // The map is centred on the driver when the position is granted.
  await page.waitForSelector(".leaflet-marker-icon[data-id]");
  const centre = await page.evaluate(() => window.parkshare.state.map.getCenter());
  assert.ok(Math.abs(centre.lat - position.latitude) < 1e-4 && Math.abs(centre.lng - position.longitude) < 1e-4,
    `map centred on the driver: ${JSON.stringify(centre)}`);

  // An attendant's update reaches the page without a reload.
  const update = await fetch(`${base}/v1/lots/${lotId}/occupancy`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json",
               "Idempotency-Key": `browser-${Date.now()}` },
    body: JSON.stringify({ occupied: 7 }),
  });
  assert.equal(update.status, 200);
  const { free } = await update.json();
  const started = Date.now();
  await page.waitForFunction(([id, value]) => {
    const card = document.querySelector(`.lot[data-id="${id}"] .free`);
    return card && card.textContent === String(value);
  }, [lotId, free], { timeout: 3000 });
  const latency = Date.now() - started;
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(outside, [], "no asset from outside the daemon");
  console.log(`driver page: ${shown.length} lots shown, update visible after ${latency} ms`);
} finally {
  await browser.close();
}
