/* partnersim classroom: the projector page. Read-only, no key: it renders the public state
 * (room, roster without tokens, leaderboard) in type big enough for the back of the room. */
"use strict";

(() => {
  const { h, fill, connect, dot, sparkline, quarterWords } = PS;
  const $ = (id) => document.getElementById(id);
  const TOP = 12;          // rows that fit at 1280x720 as at 1920x1080

  function render(st) {
    const r = st.room || {};
    const sc = r.scenario || {};
    document.title = `Room ${r.code} · partnersim`;
    $("p-code").textContent = r.code || "";
    $("p-url").textContent = r.join_url || "";
    // In the lobby the teams joining fill the right; once the game runs the leaderboard takes
    // the right and the roster moves under the (smaller) QR code.
    const running = r.phase !== "lobby";
    $("proj").classList.toggle("running", running);
    const chips = $("p-chips");
    const home = running ? $("p-left") : $("p-right");
    if (chips.parentElement !== home) {
      if (running) home.appendChild(chips);
      else home.insertBefore(chips, $("p-board"));
    }
    renderHead(r, sc);
    renderChips(r, st.roster || []);
    renderBoard(r, st.leaderboard || []);
  }

  function renderHead(r, sc) {
    let phase = PS.PHASE_WORDS[r.phase] || r.phase || "";
    const qw = quarterWords(r);
    if (r.phase === "lobby") phase = "Join now: the game starts soon";
    else if (r.phase === "open") phase = `${qw}: decide`;
    else if (r.phase === "resolving") phase = `${qw}: being played…`;
    else if (r.phase === "results") phase = `${qw}: results`;
    else if (r.phase === "ended") phase = "Game over: final standings";
    // the facilitator's latest message, while it is fresh (a stale "ten minutes left" misleads)
    const msgs = r.messages || [];
    const recent = msgs.length ? msgs[msgs.length - 1] : null;
    const last = recent && typeof recent.at === "number" && (r.server_time ?? recent.at) - recent.at < 15 * 60 ? recent : null;
    fill("p-head",
      h("p", { class: "proj-title" }, sc.title || sc.name || ""),
      h("div", { class: "proj-round" },
        h("span", { class: "proj-phase" }, phase),
        r.practice && r.phase !== "lobby" ? h("span", { class: "badge practice" }, "practice round") : null,
        r.paused ? h("span", { class: "badge practice" }, "paused") : null,
        r.phase === "open" ? PS.clock(r, r.deadline, "proj-clock") : null),
      sc.goal ? h("p", { class: "proj-goal" }, h("strong", null, "Goal: "), sc.goal) : null,
      last ? h("p", { class: "proj-msg" }, h("span", { class: "muted" }, `${PS.timeOf(last.at)} `), last.text) : null);
  }

  function renderChips(r, roster) {
    const open = r.phase === "open";
    const submitted = roster.filter((t) => t.submitted).length;
    let count = `${roster.length} team${roster.length === 1 ? "" : "s"} joined`;
    if (open) count = `${submitted} of ${roster.length} submitted`;
    // While a round is open, the teams still deciding come first: that is who the room waits for.
    const order = open ? [...roster].sort((a, b) => Number(Boolean(a.submitted)) - Number(Boolean(b.submitted))) : roster;
    const box = h("div", { class: `chips${roster.length > 16 ? " many" : ""}` }, order.map((t) => {
      let kind = "waiting", word = open ? "waiting" : "ready";
      if (t.bot) { kind = "bot"; word = "bot"; }
      else if (!t.connected) { kind = "offline"; word = "offline"; }
      if (open && t.submitted) { kind = t.bot ? "bot submitted" : "submitted"; word = t.bot ? "bot ✓" : "✓ submitted"; }
      const d = t.bot ? dot("bot", "bot") : t.connected ? dot("ok", "online") : dot("off", "offline");
      return h("span", { class: `chip ${kind}` }, d, h("span", { class: "chip-name" }, t.name), h("span", { class: "chip-state" }, word));
    }));
    fill("p-chips", h("div", { class: "proj-count" }, roster.length ? count : "No team has joined yet"), box);
    // Too many to show: drop chips from the end and say how many are not shown.
    const overflows = () => box.scrollHeight > box.clientHeight + 2;
    if (!overflows()) return;
    const more = h("span", { class: "chip more" });
    box.appendChild(more);
    let hidden = 0;
    while (overflows() && box.childElementCount > 2) {
      more.previousElementSibling.remove();
      hidden += 1;
      more.textContent = `+${hidden} more`;
    }
  }

  function renderBoard(r, rows) {
    if (!rows.length || r.phase === "lobby" || !r.quarter) {
      fill("p-board", h("p", { class: "proj-empty" }, "The leaderboard appears after the first quarter."));
      return;
    }
    const f = (row, k) => (row.figures && row.figures[k]) || "–";
    const shown = rows.slice(0, TOP);
    fill("p-board",
      h("h2", null, r.phase === "ended" ? "Final leaderboard" : "Leaderboard", rows.length > TOP ? h("span", { class: "muted" }, ` · top ${TOP} of ${rows.length}`) : null),
      h("table", null,
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Team"), h("th", { scope: "col" }, "Goal"),
          h("th", { scope: "col" }, "Partner share, last 4Q"), h("th", { scope: "col" }, "Net contribution"),
          h("th", { scope: "col", class: "num" }, "Conflicts"), h("th", { scope: "col", class: "num" }, "Lost"))),
        h("tbody", null, shown.map((row) => {
          const clauses = row.clauses || [];
          return h("tr", null,
            h("td", { class: "rank" }, String(row.rank ?? "")),
            h("td", { class: "team" }, row.team),
            h("td", { class: "goal-cell" }, `${row.clauses_met ?? clauses.filter((c) => c.met).length}/${clauses.length}`,
              h("span", { class: "clause-dots" }, clauses.map((c) => h("span", { class: c.met ? "met" : "missed" })))),
            h("td", null, h("span", { class: "spark-cell" }, sparkline(row.spark && row.spark.share, { colour: PS.COLOURS[1] }), " ", f(row, "share"))),
            h("td", null, h("span", { class: "spark-cell" }, sparkline(row.spark && row.spark.net, { colour: PS.COLOURS[0], zero: true }), " ", f(row, "net"))),
            h("td", { class: "num" }, f(row, "conflicts")),
            h("td", { class: "num" }, f(row, "lost")));
        }))));
  }

  connect("/ws/public", {
    onMessage: (msg) => { if (msg.type === "public") render(msg); },
    onStatus: (status) => fill("p-conn", status === "open" ? null : [dot("warn", status), `${status}…`]),
  });
})();
