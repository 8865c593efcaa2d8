/* partnersim classroom: the facilitator's page.
 *
 * The facilitator key arrives in the URL fragment (never sent to the server in a URL), moves to
 * sessionStorage and leaves the address bar, so a screen shared on the projector never shows
 * it. Everything else renders the whole room state the server sends after every change; forms
 * the facilitator is typing into (broadcast, inject) are built once so a message never wipes them.
 */
"use strict";

(() => {
  const { h, fill, connect, api, dot, sparkline, quarterWords, download } = PS;
  const $ = (id) => document.getElementById(id);
  const KEY = "partnersim.host";

  const app = { token: null, sock: null, st: null, botChoice: {}, injectSig: "", buttons: null };

  // ------------------------------------------------------------------ the key
  function takeToken() {
    if (location.hash.length > 1) {
      const t = decodeURIComponent(location.hash.slice(1));
      try { sessionStorage.setItem(KEY, t); } catch (e) { /* private mode: kept in memory */ }
      history.replaceState(null, "", location.pathname + location.search);
      return t;
    }
    try { return sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  function showNoKey(why) {
    if (app.sock) app.sock.close();
    app.sock = null;
    $("console").hidden = true;
    $("nokey").hidden = false;
    $("nokey-why").textContent = why || "";
    $("nokey-why").hidden = !why;
    fill("conn");
  }

  $("nokey-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    let v = $("nokey-input").value.trim();
    if (v.includes("#")) v = v.slice(v.indexOf("#") + 1);
    if (!v) return;
    $("nokey-input").value = "";
    try { sessionStorage.setItem(KEY, v); } catch (e) { /* memory only */ }
    start(v);
  });

  // ------------------------------------------------------------------ connection and actions
  function start(token) {
    app.token = token;
    $("nokey").hidden = true;
    $("console").hidden = false;
    app.sock = connect("/ws/host", {
      hello: () => ({ type: "hello", token }),
      onMessage,
      onStatus: (status) => {
        const words = { open: "connected", connecting: "connecting…", reconnecting: "reconnecting…", closed: "disconnected" }[status] || status;
        fill("conn", dot(status === "open" ? "ok" : "warn", words), h("span", null, words));
      },
      onAuthFail: (reason) => {
        try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
        showNoKey(`The server did not accept this facilitator key: ${reason}.`);
      },
    });
  }

  function onMessage(msg) {
    if (msg.type === "room") render(msg);
    else if (msg.type === "refused") {
      banner(msg.reason || "the server refused this");
      if (msg.state) render(msg.state);
    }
  }

  /** Send an action: over the socket when it is open, else over HTTP (same reply). */
  async function act(action) {
    if (app.sock && app.sock.send({ type: "action", ...action })) return;
    const r = await api("POST", "/api/host/action", action, app.token);
    if (r.ok && r.data && r.data.room) render(r.data);
    else banner((r.data && r.data.error) || "the server did not accept it");
  }

  function banner(reason) {
    const box = h("div", { class: "notice bad banner", role: "alert" },
      h("p", null, h("strong", null, "Not done: "), reason),
      h("button", { type: "button", class: "small", "aria-label": "Dismiss", onclick: () => fill("banner") }, "Dismiss"));
    fill("banner", box);
  }

  // ------------------------------------------------------------------ render
  function render(st) {
    app.st = st;
    const r = st.room;
    fill("who", h("span", null, `Room ${r.code}`), r.scenario ? h("span", { class: "muted" }, ` · ${r.scenario.title || r.scenario.name}`) : null);
    document.title = `Room ${r.code} · partnersim facilitator`;
    $("join-code").textContent = r.code || "";
    fill("join-url", h("a", { href: r.join_url, target: "_blank", rel: "noopener" }, r.join_url || ""));
    renderRound(st);
    renderRoster(st);
    renderBoard(st.leaderboard || [], $("board"));
    renderInject(st.inject);
    renderLog(st.actions || []);
    renderExports(st);
    renderClassDebrief(st);
  }

  const ROUND_BUTTONS = [
    ["practice", "Practice round", "Open a practice quarter 1; it is reset when the game starts."],
    ["start", "Start game", "Open quarter 1 (after a practice round: every team back to quarter 0 first)."],
    ["close", "Close round", "Play the quarter now; teams that did not submit keep their last policy."],
    ["advance", "Next quarter", "Open the next quarter for decisions."],
    ["pause", "Pause", "Stop the round's clock."],
    ["resume", "Resume", "Restart the round's clock."],
    ["end", "End game", "End the game now and show the debrief."],
  ];

  function renderRound(st) {
    const r = st.room;
    const can = st.can || {};
    const roster = st.roster || [];
    const submitted = roster.filter((t) => t.submitted).length;
    let head = PS.PHASE_WORDS[r.phase] || r.phase;
    const qw = quarterWords(r);
    if (r.phase === "open") head = `${qw}: open`;
    else if (r.phase === "resolving") head = `${qw}: being played`;
    else if (r.phase === "results") head = `${qw}: results`;
    else if (r.phase === "lobby") head = "Lobby: teams are joining";
    let sub = "";
    if (r.phase === "lobby") sub = `${roster.length} team${roster.length === 1 ? "" : "s"} joined.`;
    else if (r.phase === "open") sub = `${submitted} of ${roster.length} teams submitted.`;
    else if (r.phase === "results") sub = r.quarter >= (r.quarters || 0) ? "That was the last quarter." : "Teams are reading their results.";
    const mode = r.mode === "timed" ? `Timed rounds of ${r.minutes} min` : "Gated rounds: you close each round";
    fill("round",
      h("div", { class: "round-head" },
        h("span", { class: "round-phase" }, head),
        r.practice && r.phase !== "lobby" ? h("span", { class: "badge practice" }, "practice") : null,
        r.paused ? h("span", { class: "badge practice" }, "paused") : null,
        r.phase === "open" ? PS.clock(r, r.deadline, "round-clock") : null),
      h("p", { class: "round-sub" }, sub, sub ? " " : "", h("span", { class: "muted small" }, `${mode}.`)));

    if (!app.buttons) {   // built once: a click never lands on a button replaced under the pointer
      app.buttons = {};
      fill("round-buttons", ROUND_BUTTONS.map(([action, label, title]) => {
        const b = h("button", { type: "button", class: action === "end" ? "danger" : "", title, dataset: { action } }, label);
        b.addEventListener("click", () => {
          if (action === "end" && !window.confirm("End the game now for every team? The debrief opens and no more quarters are played.")) return;
          act({ action });
        });
        app.buttons[action] = b;
        return b;
      }));
    }
    const primary = can.close ? "close" : can.advance ? "advance" : can.start ? "start" : null;
    for (const [action, b] of Object.entries(app.buttons)) {
      b.disabled = !can[action];
      b.classList.toggle("primary", action === primary);
      if (action === "start") b.textContent = r.practice ? "Start the game (resets practice)" : "Start game";
    }
    app.buttons.pause.hidden = Boolean(can.resume) && !can.pause;
    app.buttons.resume.hidden = !can.resume;
  }

  function renderRoster(st) {
    const r = st.room;
    const roster = st.roster || [];
    if (!roster.length) {
      fill("roster", h("p", { class: "muted" }, "No team has joined yet. Teams scan the QR code or open the join address."));
      return;
    }
    const timed = r.mode === "timed";
    const open = r.phase === "open";
    const ended = r.phase === "ended";
    const cols = ["Team", "Seat", "This round", timed ? "Time left" : null, ended ? null : "Actions"].filter(Boolean);
    fill("roster", h("table", { class: "roster" },
      h("thead", null, h("tr", null, cols.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, roster.map((t) => {
        const seat = t.bot
          ? h("span", { class: "state-word" }, dot("bot", "bot"), `bot (${t.bot})`)
          : t.connected ? h("span", { class: "state-word" }, dot("ok", "online"), "online")
            : h("span", { class: "state-word no" }, dot("off", "offline"), "offline");
        let round = h("span", { class: "no" }, open ? "waiting" : "–");
        if (t.locked) round = h("span", null, h("strong", null, "locked"));
        else if (open && t.submitted) round = h("span", { class: "yes" }, "✓ submitted");
        const deadline = t.deadline ?? r.deadline;
        const choice = app.botChoice[t.id] || "baseline";
        const sel = h("select", { "aria-label": `Bot policy for ${t.name}`, onchange: (ev) => { app.botChoice[t.id] = ev.target.value; } },
          [["baseline", "baseline"], ["fix", "the fix"], ["random", "random"]].map(([v, l]) => h("option", { value: v, selected: v === choice }, l)));
        return h("tr", null,
          h("td", { class: "name" }, t.name),
          h("td", null, seat),
          h("td", null, round),
          timed ? h("td", null, (open && PS.clock(r, deadline, "")) || h("span", { class: "no" }, "–")) : null,
          ended ? null : h("td", null, h("div", { class: "acts" },
            timed ? h("button", { type: "button", class: "small", disabled: !open, title: "Two more minutes for this team",
              onclick: () => act({ action: "extend", team: t.id, minutes: 2 }) }, "+2 min") : null,
            t.locked
              ? h("button", { type: "button", class: "small", disabled: !open, title: "Let this team submit again", onclick: () => act({ action: "reopen", team: t.id }) }, "Reopen")
              : h("button", { type: "button", class: "small", disabled: !open, title: open ? "Stop this team changing its decisions this round" : "Only while a round is open",
                onclick: () => act({ action: "lock", team: t.id }) }, "Lock"),
            t.bot
              ? h("button", { type: "button", class: "small", onclick: () => act({ action: "unbot", team: t.id }) }, "Take back")
              : h("span", { class: "bot-pick" }, sel, h("button", { type: "button", class: "small",
                onclick: () => act({ action: "bot", team: t.id, policy: app.botChoice[t.id] || "baseline" }) }, "Hand to bot")))));
      }))));
  }

  function clauseDots(row) {
    const clauses = row.clauses || [];
    return h("span", { class: "goal-cell" }, `${row.clauses_met ?? clauses.filter((c) => c.met).length} of ${clauses.length}`,
      h("span", { class: "clause-dots" }, clauses.map((c) => h("span", { class: c.met ? "met" : "missed",
        title: `${c.met ? "met" : "missed"}: ${c.goal} (${c.shown})` }))));
  }

  /** The ranked leaderboard table (shared look with the projector). */
  function renderBoard(rows, target) {
    const r = app.st ? app.st.room : {};
    if (!rows.length || !r.quarter) {
      fill(target, h("p", { class: "muted" }, "The leaderboard fills in after the first quarter."));
      return;
    }
    const f = (row, k) => (row.figures && row.figures[k]) || "–";
    fill(target, h("table", { class: "board" },
      h("thead", null, h("tr", null,
        h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Team"), h("th", { scope: "col" }, "Goal clauses met"),
        h("th", { scope: "col" }, "Partner share, last 4 quarters"), h("th", { scope: "col" }, "Net contribution"),
        h("th", { scope: "col", class: "num" }, "Conflicts"), h("th", { scope: "col", class: "num" }, "Partners lost"))),
      h("tbody", null, rows.map((row) => h("tr", null,
        h("td", null, String(row.rank ?? "")),
        h("td", { class: "name" }, row.team),
        h("td", null, clauseDots(row)),
        h("td", null, h("span", { class: "spark-cell" }, sparkline(row.spark && row.spark.share, { colour: PS.COLOURS[1] }), f(row, "share"))),
        h("td", null, h("span", { class: "spark-cell" }, sparkline(row.spark && row.spark.net, { colour: PS.COLOURS[0], zero: true }), f(row, "net"))),
        h("td", { class: "num" }, f(row, "conflicts")),
        h("td", { class: "num" }, f(row, "lost")))))));
  }

  // ------------------------------------------------------------------ inject form
  function renderInject(spec) {
    const sig = JSON.stringify(spec || null);
    if (sig === app.injectSig) return;
    app.injectSig = sig;
    const form = $("inject");
    if (!spec) { fill(form, h("p", { class: "muted" }, "Not available in this room.")); return; }
    const shocks = spec.shocks || [];
    const levers = spec.levers || [];
    const kindShock = h("input", { type: "radio", name: "inj-kind", id: "inj-kind-shock", value: "shock", checked: true });
    const kindPolicy = h("input", { type: "radio", name: "inj-kind", id: "inj-kind-policy", value: "policy" });
    const shockSel = h("select", { id: "inj-shock" }, shocks.map((x) => h("option", { value: x.value }, x.value)));
    const shockHelp = h("p", { class: "hint" });
    const showShockHelp = () => {
      const x = shocks.find((s) => s.value === shockSel.value);
      shockHelp.textContent = x && x.label !== x.value ? String(x.label).replace(/`/g, "") : "";
    };
    shockSel.addEventListener("change", showShockHelp);
    showShockHelp();
    const size = h("input", { type: "number", id: "inj-size", step: "any", value: "0.8" });
    const duration = h("input", { type: "number", id: "inj-duration", min: 1, step: 1, value: "1" });
    const leverSel = h("select", { id: "inj-lever" }, levers.map((lv) => h("option", { value: lv.name }, lv.label || lv.name)));
    const valueBox = h("div", { class: "form-row" });
    const by = h("input", { id: "inj-by", placeholder: "e.g. the CRO", maxlength: 60 });
    const message = h("input", { id: "inj-message", placeholder: "What teams read, e.g. A recession halves demand", maxlength: 300 });
    const err = h("p", { class: "error", role: "alert", hidden: true });

    let valueInput = null;
    const buildValue = () => {
      const lv = levers.find((x) => x.name === leverSel.value);
      if (!lv) { fill(valueBox); valueInput = null; return; }
      if ((lv.choices || []).length) {
        valueInput = h("select", { id: "inj-value" }, lv.choices.map((c, k) => h("option", { value: String(k) }, c.label)));
        valueInput._choices = lv.choices;
      } else {
        const range = lv.low !== null && lv.low !== undefined ? `${lv.low} to ${lv.high}` : "";
        valueInput = h("input", { type: "number", id: "inj-value", step: lv.kind === "int" ? 1 : "any",
          min: lv.low ?? null, max: lv.high ?? null, placeholder: range });
      }
      valueInput._lever = lv;
      fill(valueBox, h("label", { for: "inj-value" }, "Value"), valueInput,
        lv.kind === "int" || lv.kind === "float" ? h("span", { class: "hint" }, `${lv.kind === "int" ? "a whole number" : "a number"}${lv.low !== null && lv.low !== undefined ? ` from ${lv.low} to ${lv.high}` : ""}`) : null);
    };
    leverSel.addEventListener("change", buildValue);
    buildValue();

    const shockPart = h("div", { class: "form-grid" },
      h("div", { class: "form-row" }, h("label", { for: "inj-shock" }, "Shock"), shockSel, shockHelp),
      h("div", { class: "form-row two" },
        h("div", { class: "form-row" }, h("label", { for: "inj-size" }, "Size"), size),
        h("div", { class: "form-row" }, h("label", { for: "inj-duration" }, "Quarters (demand only)"), duration)));
    const policyPart = h("div", { class: "form-grid", hidden: true },
      h("div", { class: "form-row" }, h("label", { for: "inj-lever" }, "Lever"), leverSel),
      valueBox,
      h("div", { class: "form-row" }, h("label", { for: "inj-by" }, "Imposed by"), by));
    const sync = () => { shockPart.hidden = !kindShock.checked; policyPart.hidden = kindShock.checked; };
    kindShock.addEventListener("change", sync);
    kindPolicy.addEventListener("change", sync);

    fill(form,
      h("div", { class: "kind-pick", role: "radiogroup", "aria-label": "Kind of event" },
        h("label", { for: "inj-kind-shock" }, kindShock, "Market shock"),
        h("label", { for: "inj-kind-policy" }, kindPolicy, "Policy change")),
      shockPart, policyPart,
      h("div", { class: "form-row" }, h("label", { for: "inj-message" }, "Message to teams"), message),
      err,
      h("button", { class: "primary", type: "submit" }, "Schedule for the next quarter"));

    form.onsubmit = (ev) => {
      ev.preventDefault();
      const fail = (m) => { err.textContent = m; err.hidden = false; };
      err.hidden = true;
      const text = message.value.trim();
      if (!text) return fail("Write the message teams will read.");
      let event;
      if (kindShock.checked) {
        const sz = Number(size.value);
        const du = Number(duration.value);
        if (size.value === "" || !Number.isFinite(sz)) return fail("Size must be a number.");
        if (!Number.isInteger(du) || du < 1) return fail("Quarters must be a whole number, 1 or more.");
        event = { kind: "shock", shock: shockSel.value, size: sz, duration: du, message: text };
      } else {
        if (!valueInput) return fail("Pick a lever.");
        const lv = valueInput._lever;
        let v;
        if (valueInput._choices) v = valueInput._choices[Number(valueInput.value)].value;
        else {
          if (valueInput.value === "") return fail(`Give ${lv.label || lv.name} a value.`);
          v = Number(valueInput.value);
          if (!Number.isFinite(v)) return fail("The value must be a number.");
          if (lv.kind === "int" && !Number.isInteger(v)) return fail("The value must be a whole number.");
        }
        event = { kind: "policy", changes: { [lv.name]: v }, message: text };
        if (by.value.trim()) event.by = by.value.trim();
      }
      act({ action: "inject", event });
      message.value = "";
    };
  }

  $("broadcast").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("bc-text").value.trim();
    if (!text) return;
    act({ action: "broadcast", message: text });
    $("bc-text").value = "";
  });

  // ------------------------------------------------------------------ log, exports, debrief
  function renderLog(actions) {
    const log = $("log");
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    fill(log, actions.length ? actions.map((a) => h("li", null, h("span", { class: "muted" }, `${PS.timeOf(a.at)} `), a.text))
      : h("li", { class: "muted" }, "Nothing yet."));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  const EXPORTS = [
    ["leaderboard.csv", "Leaderboard (CSV)"],
    ["quarters.csv", "Every quarter (CSV)"],
    ["chart.png", "Chart (PNG)"],
    ["saves.zip", "Saved games (ZIP)"],
    ["handouts.zip", "PDF handouts (ZIP)"],
  ];

  function renderExports(st) {
    const box = $("exports");
    if (box.childElementCount) return;
    fill(box, EXPORTS.map(([file, label]) => h("button", { type: "button", onclick: async (ev) => {
      const b = ev.currentTarget;
      b.disabled = true;
      $("exports-msg").textContent = `Preparing ${file}…`;
      const code = (app.st && app.st.room.code) || "room";
      const problem = await download(`/api/host/export/${file}`, app.token, `partnersim-${code}-${file}`);
      b.disabled = false;
      $("exports-msg").textContent = problem ? `${file}: ${problem}` : `${file} saved.`;
    } }, label)));
  }

  function goalWords(x) {
    const of = Array.isArray(x.clauses) && x.clauses.length ? ` (${x.clauses_met ?? 0} of ${x.clauses.length} clauses)`
      : typeof x.clauses_met === "number" ? ` (${x.clauses_met} clause${x.clauses_met === 1 ? "" : "s"} met)` : "";
    if (x.won === true) return h("span", { class: "yes" }, "✓ met");
    if (x.won === false) return h("span", { class: "no" }, `✗ missed${of}`);
    return h("span", { class: "no" }, of ? of.trim().replace(/[()]/g, "") : "–");
  }

  function renderClassDebrief(st) {
    const d = st.debrief;
    const box = $("class-debrief");
    box.hidden = !d;
    if (!d) return;
    const best = d.best || {};
    const bf = best.figures || {};
    const teams = d.teams || [];
    const done = d.attribution_done ?? 0, total = d.attribution_total ?? 0;
    fill(box,
      h("h2", null, "Class debrief"),
      h("div", { class: "table-wrap" }, h("table", { class: "board" },
        h("thead", null, h("tr", null, ["Team", "Goal", "Partner share, last 4 quarters", "Net contribution", "Conflicts", "Partners lost"]
          .map((c, k) => h("th", { scope: "col", class: k >= 4 ? "num" : "" }, c)))),
        h("tbody", null,
          h("tr", { class: "best-row" }, h("th", { scope: "row" }, "Best practice (same world)"), h("td", null, goalWords(best)),
            h("td", null, bf.share || "–"), h("td", null, bf.net || "–"), h("td", { class: "num" }, bf.conflicts || "–"),
            h("td", { class: "num" }, bf.lost || "–")),
          teams.map((t) => h("tr", null, h("td", { class: "name" }, t.team),
            h("td", null, goalWords(t)),
            h("td", null, (t.figures || {}).share || "–"), h("td", null, (t.figures || {}).net || "–"),
            h("td", { class: "num" }, (t.figures || {}).conflicts || "–"), h("td", { class: "num" }, (t.figures || {}).lost || "–")))))),
      (d.separating || []).length ? h("section", null, h("h3", null, "Decisions that separated the teams"),
        h("ul", { class: "separating" }, d.separating.map((x) => h("li", null, h("strong", null, `${x.group}: `), x.text)))) : null,
      total ? h("section", null, h("h3", null, "What each group of decisions was worth"),
        h("p", { class: "small muted" }, done >= total ? `Replayed for all ${total} teams.` : `Replaying the teams' games: ${done} of ${total} done…`),
        h("progress", { max: total, value: done }, `${done} of ${total}`)) : null);
  }

  // ------------------------------------------------------------------ start
  const token = takeToken();
  if (token) start(token);
  else showNoKey("");
  // A facilitator link pasted into this tab's address bar changes only the fragment.
  window.addEventListener("hashchange", () => {
    const t = takeToken();
    if (!t) return;
    if (app.sock) app.sock.close();
    start(t);
  });
})();
