// map-page.mjs: the driver page's map, list, languages, accessibility and clock in headless
// Chromium against a running daemon.
//
//   node map-page.mjs BASE_URL ADMIN_TOKEN map      SCREENSHOT_DIR
//   node map-page.mjs BASE_URL ADMIN_TOKEN stale    LOT_ID
//   node map-page.mjs BASE_URL ADMIN_TOKEN tiles-fail
//   node map-page.mjs BASE_URL ADMIN_TOKEN no-map
//
// "map" expects the lots of group "map-test" (see test_driver_map.py): one marker per lot,
// coloured by state; a marker's card; list and marker highlight each other; an update on
// map and list within 3 s without a reload; Chinese and English (remembered); axe-core in
// both; "today" in the daemon's timezone with the browser in UTC; every request to the
// daemon. "stale" expects LOT_ID to have a count older than stale_after. "tiles-fail" expects
// map_tiles to name a closed loopback port, "no-map" a missing leaflet_dir: one line says so.
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { launch } from "./chromium.mjs";

const [base, token, mode, argument] = process.argv.slice(2);
const HAN = /[\u3400-\u9fff]/;

async function api(path, init) {
  const response = await fetch(base + path, init);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

function expectedState(lot, share) {
  if (lot.state === "closed") return "closed";
  if (lot.free === null) return "unknown";
  if (lot.state === "full") return "full";
  return lot.free <= Math.floor(lot.capacity * share) ? "nearly" : "open";
}

function expectedLabel(lot) {
  return lot.free === null ? "?" : String(lot.free);
}

async function newPage(browser, options, outside) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("request", (request) => { if (!request.url().startsWith(base + "/")) outside.push(request.url()); });
  page.errors = errors;
  return page;
}

async function markers(page) {
  return page.$$eval(".leaflet-marker-icon[data-id]", (nodes) => nodes.map((node) => ({
    id: node.dataset.id, pin: node.querySelector(".pin").className, label: node.textContent,
  })));
}

async function axeClean(page, language) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((violation) => ["serious", "critical"].includes(violation.impact));
  assert.deepEqual(bad.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(" ")}`), [],
    `axe-core in ${language}`);
  return result.violations.length;
}

// Every visible string of the page, the language button aside (it names the other language).
async function visibleTexts(page) {
  return page.evaluate(() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || parent.closest("#language, script, .hidden-label")) continue;
      const box = parent.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(parent).visibility === "hidden") continue;
      texts.push(node.textContent.trim());
    }
    return texts;
  });
}

async function checkMap(browser, screenshots) {
  const info = await api("/v1/info");
  const lots = (await api("/v1/lots?group=map-test&limit=100")).lots;
  assert.equal(lots.length, 5);
  const outside = [];
  const page = await newPage(browser, {}, outside);
  await page.goto(base + "/");
  await page.waitForFunction((count) => document.querySelectorAll(".leaflet-marker-icon[data-id]").length === count &&
    document.querySelectorAll(".lot").length === count, lots.length);

  // One marker per lot in view, coloured by state, with the free count where it is known.
  const shown = await markers(page);
  const bounds = await page.evaluate(() => window.parkshare.state.map.getBounds().toBBoxString());
  const [west, south, east, north] = bounds.split(",").map(Number);
  for (const lot of lots) {
    const marker = shown.find((item) => item.id === lot.id);
    assert.ok(marker, `a marker for ${lot.id}`);
    assert.equal(marker.pin, `pin ${expectedState(lot, info.map.nearly_full_share)}`, lot.id);
    assert.equal(marker.label, expectedLabel(lot), lot.id);
    assert.ok(lot.location.lon >= west && lot.location.lon <= east && lot.location.lat >= south && lot.location.lat <= north,
      `${lot.id} is in view`);
  }
  const states = new Set(shown.map((marker) => marker.pin));
  assert.equal(states.size, 5, `five states shown: ${[...states]}`);

  // Tapping a marker opens its card and highlights its list item.
  const open = lots.find((lot) => expectedState(lot, info.map.nearly_full_share) === "open");
  await page.click(`.leaflet-marker-icon[data-id="${open.id}"]`);
  await page.waitForSelector(".leaflet-popup .card");
  assert.equal(await page.textContent(".leaflet-popup .card h3"), open.name);
  assert.equal(await page.textContent(".leaflet-popup .card-free"), String(open.free));
  assert.match(await page.textContent(".leaflet-popup .age"), /^(刚刚更新|\d+ 分钟前更新)$/);
  assert.match(await page.getAttribute(".leaflet-popup .go a:first-child", "href"), /^geo:/);
  assert.match(await page.getAttribute(".leaflet-popup .go a.amap", "href"),
    new RegExp(`^https://uri\\.amap\\.com/marker\\?position=${open.location.lon},${open.location.lat}&`));
  assert.equal(await page.getAttribute(`.lot[data-id="${open.id}"]`, "class"), "lot selected");
  // Choosing a list item highlights its marker and opens its card.
  const full = lots.find((lot) => lot.state === "full");
  await page.click(`.lot[data-id="${full.id}"] h3`);
  await page.waitForFunction((id) => document.querySelector(`.leaflet-marker-icon[data-id="${id}"] .pin.selected`) &&
    document.querySelector(".leaflet-popup .card")?.dataset.id === id, full.id);
  assert.equal(await page.$$eval(".pin.selected", (nodes) => nodes.length), 1);

  // An update reaches map and list within 3 s, without a reload; focus stays where it was.
  await page.focus(`.lot[data-id="${full.id}"]`);
  const update = await fetch(`${base}/v1/lots/${open.id}/occupancy`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": `map-${Date.now()}` },
    body: JSON.stringify({ occupied: open.capacity - 42 }),
  });
  assert.equal(update.status, 200);
  const started = Date.now();
  await page.waitForFunction((id) => document.querySelector(`.leaflet-marker-icon[data-id="${id}"]`)?.textContent === "42" &&
    document.querySelector(`.lot[data-id="${id}"] .free`)?.textContent === "42", open.id, { timeout: 3000 });
  const latency = Date.now() - started;
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), full.id, "focus kept");
  // A lot that fills up is announced once, politely.
  const nearly = lots.find((lot) => expectedState(lot, info.map.nearly_full_share) === "nearly");
  const filled = await fetch(`${base}/v1/lots/${nearly.id}/occupancy`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": `map-full-${Date.now()}` },
    body: JSON.stringify({ occupied: nearly.capacity }),
  });
  assert.equal(filled.status, 200);
  await page.waitForFunction((text) => document.getElementById("announce").textContent === text, `${nearly.name} 已满`, { timeout: 3000 });
  assert.equal(await page.$$eval("[aria-live]", (nodes) => nodes.map((node) => `${node.id}:${node.getAttribute("aria-live")}`).join()),
    "announce:polite");
  // The button's pin is a drawing, not an emoji that renders as a box without an emoji font.
  assert.equal(await page.$$eval("#locate svg", (nodes) => nodes.length), 1);
  assert.doesNotMatch(await page.textContent("#locate"), /\p{Extended_Pictographic}/u);

  // Hidden, the page stops polling; shown again, it refreshes at once.
  const polls = [];
  page.on("request", (request) => { if (request.url().includes("/v1/lots?")) polls.push(Date.now()); });
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await page.waitForTimeout(1500);
  const hiddenSince = Date.now();
  await page.waitForTimeout(3000);
  assert.deepEqual(polls.filter((time) => time >= hiddenSince), [], "no polling while hidden");
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await page.waitForFunction(() => true);
  const shownAt = Date.now();
  await page.waitForRequest((request) => request.url().includes("/v1/lots?"), { timeout: 3000 });
  assert.ok(polls.some((time) => time >= shownAt - 50));
  assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation").length), 1);

  const zhViolations = await axeClean(page, "Chinese");
  await page.screenshot({ path: `${screenshots}/driver-desktop.png` });

  // English: every visible string changes, lot names use names.en; the choice is remembered.
  const zhTexts = await visibleTexts(page);
  await page.click("#language");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  const enTexts = await visibleTexts(page);
  const untranslated = enTexts.filter((text) => HAN.test(text));
  assert.deepEqual(untranslated, [], "no Chinese left in English");
  const same = zhTexts.filter((text) => HAN.test(text) && enTexts.includes(text));
  assert.deepEqual(same, []);
  assert.equal(await page.textContent(`.lot[data-id="${full.id}"] h3`), full.names.en);
  assert.equal(await page.getAttribute(".leaflet-control-zoom-in", "title"), "Zoom in");
  const enViolations = await axeClean(page, "English");
  await page.reload();
  await page.waitForSelector(".lot h3");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await page.textContent("h1"), "Open car parks nearby");
  await page.click("#language");
  await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  assert.equal(await page.textContent("h1"), "附近开放的停车场");
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A phone, in dark mode: the list under the map, dark colours.
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "dark" }, outside);
  await phone.goto(base + "/");
  await phone.waitForFunction(() => document.querySelectorAll(".leaflet-marker-icon[data-id]").length === 5);
  const [mapBox, listBox] = await Promise.all(["#map", "#list"].map((selector) => phone.locator(selector).boundingBox()));
  assert.ok(listBox.y >= mapBox.y + mapBox.height, "the list is under the map on a phone");
  assert.equal(await phone.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(18, 20, 23)");
  assert.equal(await phone.getAttribute(".leaflet-control-zoom-in", "title"), "放大");
  await phone.screenshot({ path: `${screenshots}/driver-phone.png` });
  await phone.context().close();

  assert.deepEqual(outside, [], "every request goes to the daemon");
  console.log(`map: ${shown.length} markers in ${states.size} states, update on map and list after ${latency} ms, ` +
    `axe-core: no serious or critical violation (${zhViolations} minor in Chinese, ${enViolations} in English)`);
}

// At 01:00 in Beijing (17:00 UTC the day before) the browser in UTC still shows "today" right.
async function checkClock(browser) {
  const outside = [];
  const page = await newPage(browser, { timezoneId: "UTC" }, outside);
  await page.clock.setFixedTime(new Date("2026-03-10T17:00:00Z"));
  const lot = (await api("/v1/lots?group=map-test&limit=1")).lots[0];
  const fake = { ...lot, state: "open", open_now: true, free: 10, next_change: "2026-03-11T20:00:00+08:00",
    updated_at: "2026-03-11T00:58:00+08:00" };
  await page.route(/\/v1\/lots\?/, (route) => route.fulfill({ status: 200, contentType: "application/json",
    body: JSON.stringify({ lots: [fake], next: null }) }));
  await page.goto(base + "/");
  await page.waitForSelector(".lot .meta");
  const meta = await page.textContent(".lot .meta");
  assert.ok(meta.includes("开放至 20:00"), `today's closing time without a date: ${meta}`);
  assert.equal(await page.textContent(".lot .age"), "2 分钟前更新");
  const words = await page.evaluate(() => [window.parkshare.when("2026-03-12T08:00:00+08:00"),
    window.parkshare.when("2026-03-10T23:00:00+08:00")]);
  assert.deepEqual(words, ["明天 08:00", "3月10日 23:00"]);
  assert.deepEqual(outside, []);
  await page.context().close();
  console.log(`clock: at 01:00 Beijing time with the browser in UTC: "${meta}"`);
}

// Tiles configured but unreachable: one line says so; no map at all: the list still works.
async function checkNotice(browser, expected) {
  const outside = [];
  const page = await newPage(browser, {}, outside);
  await page.goto(base + "/");
  await page.waitForSelector(".lot");
  await page.waitForFunction((text) => document.getElementById("notice").textContent === text && !document.getElementById("notice").hidden,
    expected, { timeout: 10000 });
  const count = await page.$$eval(".lot", (nodes) => nodes.length);
  assert.ok(count > 0);
  assert.deepEqual(page.errors, []);
  console.log(`notice: "${expected}" with ${count} lots listed; requests outside the daemon: ${new Set(outside.map((url) => new URL(url).host)).size ? [...new Set(outside.map((url) => new URL(url).host))].join(" ") : "none"}`);
}

async function checkStale(browser, lotId) {
  const lot = await api(`/v1/lots/${lotId}`);
  assert.equal(lot.free, null);
  assert.notEqual(lot.updated_at, null);
  const outside = [];
  const page = await newPage(browser, {}, outside);
  await page.goto(base + "/");
  await page.waitForSelector(`.lot[data-id="${lotId}"] .free`);
  assert.equal(await page.textContent(`.lot[data-id="${lotId}"] .free`), "暂无数据");
  assert.match(await page.textContent(`.lot[data-id="${lotId}"] .age`), /^最后上报：/);
  await page.waitForSelector(`.leaflet-marker-icon[data-id="${lotId}"]`);
  assert.equal(await page.textContent(`.leaflet-marker-icon[data-id="${lotId}"]`), "?");
  assert.deepEqual(outside, []);
  console.log(`stale: ${lotId} shows 暂无数据 and no number`);
}

const browser = await launch();
try {
  if (mode === "map") {
    await checkMap(browser, argument);
    await checkClock(browser);
  } else if (mode === "tiles-fail") {
    await checkNotice(browser, "地图底图加载失败，仅显示停车场位置。");
  } else if (mode === "no-map") {
    await checkNotice(browser, "地图暂不可用，列表照常更新。");
  } else if (mode === "stale") {
    await checkStale(browser, argument);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await browser.close();
}
