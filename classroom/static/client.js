/* partnersim classroom: what the three pages share.
 *
 * The pages compute no outcome: the server sends every figure already formatted, and the pages
 * only render the whole state they receive (protocol.md). This file holds the pieces each page
 * needs for that: building DOM without innerHTML (team names are untrusted text), a websocket
 * that reconnects by itself, a countdown corrected for the difference between the server's
 * clock and this device's, and small SVG line charts and sparklines.
 */
"use strict";

const PS = (() => {
  const SVGNS = "http://www.w3.org/2000/svg";

  /* Okabe-Ito, in the order sim/metrics.py OKABE_ITO uses for series. */
  const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  // ---------------------------------------------------------------- DOM, always as text
  /** Escape text for the rare place a string must become markup (prefer h() and textContent). */
  function esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.setAttribute("class", v);
      else if (k === "text") el.textContent = String(v);
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "value" && "value" in el) el.value = v;
      else if (k === "checked" || k === "disabled" || k === "selected" || k === "open") el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }

  function append(el, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.appendChild(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }

  /** An HTML element: h("p", {class: "x"}, "text", child). Strings become text nodes, never markup. */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    return append(el, kids);
  }

  /** An SVG element (same calling convention as h). */
  function s(tag, attrs, ...kids) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") el.textContent = String(v);
      else el.setAttribute(k, String(v));
    }
    return append(el, kids);
  }

  /** Replace an element's children (by id or element) with `kids`. */
  function fill(target, ...kids) {
    const el = typeof target === "string" ? document.getElementById(target) : target;
    if (!el) return null;
    el.replaceChildren();
    return append(el, kids);
  }

  /** Text with line breaks: the first line as it is, the rest as muted lines below. */
  function lines(text, firstClass, restClass) {
    const parts = String(text ?? "").split("\n").filter((x) => x.trim() !== "");
    return parts.map((p, i) => h("span", { class: i === 0 ? firstClass || "line" : restClass || "line muted" }, p));
  }

  // ---------------------------------------------------------------- numbers for axes and sliders
  /* Axis ticks and a slider's value while it moves are the only numbers the pages format
   * themselves; these mirror sim/units.py fmt() (and Lever.fmt for `zero`) so "$1.23M" reads the
   * same as in every figure the server sends. */
  function groupThousands(str) {
    const [i, d] = str.split(".");
    const neg = i.startsWith("-");
    const digits = neg ? i.slice(1) : i;
    const g = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (neg ? "-" : "") + g + (d !== undefined ? "." + d : "");
  }

  function money(v, extra = 0) {
    const sign = v < 0 ? "-" : "";
    const a = Math.abs(Number(v));
    if (a >= 1e6) return `${sign}$${groupThousands((a / 1e6).toFixed(2 + extra))}M`;
    if (a >= 1e3) return `${sign}$${groupThousands((a / 1e3).toFixed(extra))}k`;
    return `${sign}$${groupThousands(a.toFixed(extra))}`;
  }

  /** `v` as a person reads a value of `unit` (sim.units.UNITS). */
  function fmt(unit, v, extra = 0) {
    if (v === null || v === undefined || Number.isNaN(Number(v))) return "–";
    const n = Number(v);
    switch (unit) {
      case "money": return money(n, extra);
      case "share": return `${(n * 100).toFixed(extra)}%`;
      case "count": return groupThousands(n.toFixed(extra));
      case "quarters": return String(Math.trunc(n));
      case "ratio": return `${n >= 0 ? "+" : ""}${(n * 100).toFixed(extra)}%`;
      case "score": return n.toFixed(2 + extra);
      default: return String(v);
    }
  }

  /** Round tick values within [lo, hi] (steps of 1, 2 or 5 times a power of ten), as game/charts.py. */
  function niceTicks(lo, hi, most = 4, whole = false) {
    const span = hi - lo;
    if (!(span > 0) || !Number.isFinite(span)) return [lo];
    const mag = 10 ** Math.floor(Math.log10(span));
    let steps = [];
    for (const p of [mag / 100, mag / 10, mag]) for (const m of [1, 2, 5]) steps.push(m * p);
    steps.sort((a, b) => a - b);
    if (whole) steps = steps.filter((x) => x >= 1).length ? steps.filter((x) => x >= 1) : [1];
    const at = (step) => {
      const out = [];
      for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) out.push(k * step + 0);
      return out;
    };
    for (const st of steps) {
      const t = at(st);
      if (t.length >= 2 && t.length <= most) return t;
    }
    return at(steps[0]).slice(0, most);
  }

  // ---------------------------------------------------------------- clock and countdowns
  let skew = 0; // server clock minus this device's clock, seconds
  let live = true; // whether the page's websocket is open (countdowns say "not live" while it is not)

  /** Note the server_time of a message just received, so countdowns use the server's clock. */
  function noteServerTime(t) {
    if (typeof t === "number" && Number.isFinite(t)) skew = t - Date.now() / 1000;
  }

  /** Seconds until `deadline` (server epoch seconds), never negative; null without a deadline. */
  function secondsLeft(deadline) {
    if (deadline === null || deadline === undefined) return null;
    return Math.max(0, deadline - (Date.now() / 1000 + skew));
  }

  function mmss(sec) {
    const t = Math.ceil(sec);
    const m = Math.floor(t / 60);
    const r = t % 60;
    return `${m}:${String(r).padStart(2, "0")}`;
  }

  /** A span that counts down to `deadline` by itself (every element made here ticks once a second). */
  function countdown(deadline, opts = {}) {
    const el = h("span", { class: "countdown " + (opts.class || ""), role: "timer", "aria-live": "off" });
    el._deadline = deadline;
    el._prefix = opts.prefix || "";
    tickOne(el);
    return el;
  }

  function tickOne(el) {
    const left = secondsLeft(el._deadline);
    if (left === null) {
      el.textContent = "";
      return;
    }
    // while the line is down the clock runs from the last deadline heard, and says so: a server
    // that restarts gives the round more time, so "0:00" could read as a round that is over
    el.textContent = `${el._prefix}${mmss(left)}`;
    if (!live) el.append(h("span", { class: "not-live" }, " (not live)"));
    el.classList.toggle("urgent", left <= 30);
    el.classList.toggle("over", left <= 0);
  }

  setInterval(() => document.querySelectorAll(".countdown").forEach(tickOne), 250);

  /**
   * The round's clock for `room` (null when there is none): a live countdown to `deadline`, or,
   * while paused, the time that was left (if the server says it) marked "paused".
   */
  function clock(room, deadline, cls) {
    if (room.paused) {
      const left = room.left_when_paused ?? room.left ?? null;
      if (typeof left !== "number") return null;
      return h("span", { class: `countdown-frozen ${cls || ""}` }, `${mmss(left)} (paused)`);
    }
    return deadline ? countdown(deadline, { class: cls }) : null;
  }

  // ---------------------------------------------------------------- websocket with reconnect
  /**
   * Open `path` as a websocket and keep it open: on a drop it reconnects with backoff (0.5 s
   * doubling to 5 s) and sends `hello()` again, because the server sends the whole state on
   * every (re)connect. A close with code 4401 (bad token) does not reconnect: `onAuthFail`.
   *
   * @param {string} path e.g. "/ws/team"
   * @param {{hello?: () => object|null, onMessage: (msg: object) => void,
   *          onStatus?: (status: string) => void, onAuthFail?: (reason: string) => void}} o
   * @returns {{send: (msg: object) => boolean, close: () => void, isOpen: () => boolean}}
   */
  function connect(path, o) {
    let ws = null;
    let delay = 0.5;
    let timer = null;
    let stopped = false;
    let watchdog = null;
    let pings = false;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
    const status = (st) => {
      live = st === "open";
      document.querySelectorAll(".countdown").forEach(tickOne);
      if (o.onStatus) o.onStatus(st);
    };

    function arm() {
      // Only when the server sends its pings as messages can silence be noticed from here.
      if (!pings) return;
      clearTimeout(watchdog);
      watchdog = setTimeout(() => { if (ws) ws.close(); }, 12000);
    }

    function open() {
      clearTimeout(timer);
      timer = null;
      if (stopped) return;
      status(delay > 0.5 ? "reconnecting" : "connecting");
      try {
        ws = new WebSocket(url);
      } catch (e) {
        schedule();
        return;
      }
      ws.onopen = () => {
        const hello = o.hello ? o.hello() : null;
        if (hello) ws.send(JSON.stringify(hello));
        status("open");
      };
      ws.onmessage = (ev) => {
        delay = 0.5;
        let msg;
        try { msg = JSON.parse(ev.data); } catch (e) { return; }
        if (msg && msg.type === "ping") { pings = true; arm(); return; }
        arm();
        if (msg && msg.room) noteServerTime(msg.room.server_time);
        else if (msg && msg.state && msg.state.room) noteServerTime(msg.state.room.server_time);
        o.onMessage(msg);
      };
      ws.onclose = (ev) => {
        clearTimeout(watchdog);
        ws = null;
        if (ev.code === 4401) {
          stopped = true;
          status("closed");
          if (o.onAuthFail) o.onAuthFail(ev.reason || "this key is not valid in this room");
          return;
        }
        schedule();
      };
      ws.onerror = () => { /* onclose follows */ };
    }

    function schedule() {
      if (stopped || timer) return;
      status("reconnecting");
      timer = setTimeout(open, delay * 1000);
      delay = Math.min(5, delay * 2);
    }

    // A phone waking up or a laptop back online: try at once instead of waiting out the backoff.
    const now = () => { if (!stopped && !ws) { delay = 0.5; open(); } };
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") now(); });

    open();
    return {
      send(msg) {
        if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(msg)); return true; }
        return false;
      },
      close() { stopped = true; clearTimeout(timer); if (ws) ws.close(1000); },
      isOpen() { return Boolean(ws && ws.readyState === WebSocket.OPEN); },
    };
  }

  // ---------------------------------------------------------------- HTTP
  /** fetch JSON; resolves to {ok, status, data} and never throws (data.error holds the reason). */
  async function api(method, path, body, token) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      let data = null;
      try { data = await r.json(); } catch (e) { data = null; }
      if (!r.ok && !(data && data.error)) data = { error: `the server answered ${r.status} ${r.statusText}` };
      return { ok: r.ok, status: r.status, data };
    } catch (e) {
      return { ok: false, status: 0, data: { error: "cannot reach the server: check the network and try again" } };
    }
  }

  /** Fetch `path` with the Bearer token and save it under `filename` (a blob link). */
  async function download(path, token, filename) {
    try {
      const r = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
      if (!r.ok) {
        let reason = `${r.status} ${r.statusText}`;
        try { const d = await r.json(); if (d && d.error) reason = d.error; } catch (e) { /* not JSON */ }
        return reason;
      }
      const blob = await r.blob();
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: filename });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      return null;
    } catch (e) {
      return "cannot reach the server";
    }
  }

  // ---------------------------------------------------------------- charts
  function dashSwatch(colour, dashed) {
    return s("svg", { class: "swatch", width: 26, height: 12, viewBox: "0 0 26 12", "aria-hidden": "true" },
      s("line", { x1: 1, y1: 6, x2: 25, y2: 6, stroke: colour, "stroke-width": 3, "stroke-dasharray": dashed ? "5 4" : null }),
      dashed ? s("rect", { x: 10, y: 3, width: 6, height: 6, fill: colour }) : s("circle", { cx: 13, cy: 6, r: 3.5, fill: colour }));
  }

  /** A colour per series: a dashed (best practice) series named after a solid one takes its colour
   * ("Partner revenue" and "Partner revenue, best practice"); any other series the next colour. */
  function seriesColours(series) {
    const out = [];
    let next = 0;
    series.forEach((ser, i) => {
      const twin = ser.dashed ? series.findIndex((o, k) => k < i && !o.dashed && String(ser.label).startsWith(String(o.label))) : -1;
      out.push(twin >= 0 ? out[twin] : COLOURS[next++ % COLOURS.length]);
    });
    return out;
  }

  /**
   * A line chart as a figure: title, legend (swatch + label: line style and marker shape, not
   * only colour), y axis in the chart's unit, quarters on x. `span` is the x axis length (the
   * scenario's quarters) so a line grows across a fixed axis as the game goes on.
   */
  function lineChart(chart, span) {
    const W = 420, H = 230;
    const L = 62, R = 12, T = 12, B = 30;
    const pw = W - L - R, ph = H - T - B;
    const series = chart.series || [];
    const qs = chart.quarters || [];
    const n = Math.max(span || 0, qs.length ? Math.max(...qs) : 0, 1);
    const all = series.flatMap((x) => (x.values || []).filter((v) => v !== null && v !== undefined && Number.isFinite(v)));
    let lo = Math.min(0, ...all), hi = Math.max(0, ...all);
    if (chart.unit === "share" && all.length) hi = Math.max(hi, 0.2);
    if (chart.unit === "score" && all.length) { lo = 0; hi = 1; }
    let ticks;
    if (hi - lo < 1e-12) {
      ticks = all.length ? [lo] : [];
      hi = lo + 1;
    } else {
      const pad = (hi - lo) * 0.08;
      hi += pad;
      if (lo < 0) lo -= pad;
      ticks = niceTicks(lo, hi, 5, chart.unit === "count" || chart.unit === "quarters");
    }
    const seen = new Set();
    ticks = ticks.filter((v) => { const t = fmt(chart.unit, v); if (seen.has(t)) return false; seen.add(t); return true; });
    const xp = (q) => L + ((q - 0.5) / n) * pw;
    const yp = (v) => T + ph - ((v - lo) / (hi - lo)) * ph;
    const unitWord = { money: "US dollars", share: "percent", count: "number", score: "0 to 1", quarters: "quarters", ratio: "percent change" }[chart.unit] || "";

    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img",
      "aria-label": `${chart.title || ""}${unitWord ? ` (${unitWord})` : ""}` });
    for (const v of ticks) {
      const y = yp(v);
      svg.appendChild(s("line", { x1: L, x2: W - R, y1: y, y2: y, class: v === 0 && lo < 0 ? "zero" : "grid" }));
      svg.appendChild(s("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "tick", text: fmt(chart.unit, v) }));
    }
    svg.appendChild(s("line", { x1: L, x2: L, y1: T, y2: T + ph, class: "axis" }));
    svg.appendChild(s("line", { x1: L, x2: W - R, y1: T + ph, y2: T + ph, class: "axis" }));
    const every = Math.max(1, Math.ceil(n / 7));
    for (let q = 1; q <= n; q += every) {
      svg.appendChild(s("text", { x: xp(q), y: H - 10, "text-anchor": "middle", class: "tick", text: `Q${q}` }));
    }
    if (!all.length) {
      svg.appendChild(s("text", { x: L + pw / 2, y: T + ph / 2, "text-anchor": "middle", class: "empty", text: "no data yet" }));
    }
    const colours = seriesColours(series);
    series.forEach((ser, i) => {
      const colour = colours[i];
      const pts = [];
      (ser.values || []).forEach((v, k) => {
        if (v === null || v === undefined || !Number.isFinite(v)) { pts.push(null); return; }
        pts.push([xp(qs[k] ?? k + 1), yp(v)]);
      });
      // A null breaks the line; each run is drawn separately.
      let run = [];
      const flush = () => {
        if (run.length >= 2) {
          svg.appendChild(s("polyline", { points: run.map((p) => p.join(",")).join(" "), fill: "none", stroke: colour,
            "stroke-width": 3, "stroke-linejoin": "round", "stroke-dasharray": ser.dashed ? "7 5" : null }));
        }
        run = [];
      };
      pts.forEach((p) => { if (p) run.push(p); else flush(); });
      flush();
      const pointCount = pts.filter(Boolean).length;
      pts.forEach((p, k) => {
        if (!p) return;
        if (pointCount > 16 && k !== pts.length - 1) return;
        if (ser.dashed) svg.appendChild(s("rect", { x: p[0] - 3.5, y: p[1] - 3.5, width: 7, height: 7, fill: colour }));
        else svg.appendChild(s("circle", { cx: p[0], cy: p[1], r: 4, fill: colour }));
      });
    });
    const legend = h("ul", { class: "legend" },
      series.map((ser, i) => h("li", null, dashSwatch(colours[i], ser.dashed), h("span", null, ser.label))));
    return h("figure", { class: "chart-box" },
      h("figcaption", null, h("span", { class: "chart-title" }, chart.title || ""),
        unitWord ? h("span", { class: "chart-unit" }, ` · ${unitWord}`) : null),
      legend, svg);
  }

  /** A small line of `values` (numbers or null) with its last point marked, for tables. */
  function sparkline(values, opts = {}) {
    const W = opts.width || 90, H = opts.height || 24, P = 3;
    const vals = (values || []).map((v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v));
    const nums = vals.filter((v) => v !== null);
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "spark", width: W, height: H, "aria-hidden": "true",
      preserveAspectRatio: "none" });
    if (nums.length < 1) return svg;
    let lo = Math.min(...nums), hi = Math.max(...nums);
    if (opts.zero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
    if (hi - lo < 1e-12) { hi = lo + 1; lo -= 1; }
    const n = Math.max(vals.length, 2);
    const xp = (k) => P + (k / (n - 1)) * (W - 2 * P);
    const yp = (v) => H - P - ((v - lo) / (hi - lo)) * (H - 2 * P);
    if (opts.zero && lo < 0 && hi > 0) svg.appendChild(s("line", { x1: 0, x2: W, y1: yp(0), y2: yp(0), class: "zero" }));
    const pts = [];
    vals.forEach((v, k) => { if (v !== null) pts.push(`${xp(k)},${yp(v)}`); });
    const colour = opts.colour || COLOURS[0];
    if (pts.length >= 2) svg.appendChild(s("polyline", { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": 2,
      "vector-effect": "non-scaling-stroke" }));
    const lastK = vals.length - 1 - [...vals].reverse().findIndex((v) => v !== null);
    svg.appendChild(s("circle", { cx: xp(lastK), cy: yp(vals[lastK]), r: 2.6, fill: colour }));
    return svg;
  }

  // ---------------------------------------------------------------- room status in words
  const PHASE_WORDS = {
    lobby: "Waiting for the facilitator to start",
    open: "Round open",
    resolving: "The quarter is being played",
    results: "Results",
    ended: "Game over",
  };

  /** The quarter being played/shown in words: "Quarter 3 of 12" (practice marked). */
  function quarterWords(room) {
    // open: the quarter being decided; resolving: the one being played (quarter counts those done)
    const q = room.phase === "open" ? room.open_quarter : room.phase === "resolving" ? room.quarter + 1 : room.quarter;
    if (!q) return "";
    const total = room.quarters || (room.scenario && room.scenario.quarters) || "";
    return room.practice ? `Practice quarter ${q}` : `Quarter ${q}${total ? ` of ${total}` : ""}`;
  }

  function timeOf(epoch) {
    if (typeof epoch !== "number") return "";
    const d = new Date((epoch - skew) * 1000);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  /** A coloured dot that also says what it means in text (never colour alone). */
  function dot(kind, words) {
    return h("span", { class: `dot dot-${kind}`, title: words }, h("span", { class: "sr" }, words));
  }

  return { esc, h, s, fill, lines, fmt, niceTicks, noteServerTime, secondsLeft, mmss, countdown, clock, connect, api,
    download, lineChart, sparkline, PHASE_WORDS, quarterWords, timeOf, dot, COLOURS };
})();
