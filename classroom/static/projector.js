/* partnersim classroom: the projector page. Read-only, no key: it renders the public state
 * (room, roster without tokens, leaderboard) in type big enough for the back of the room. */
"use strict";

(() => {
  const { h, fill, connect, countdown, dot, sparkline, quarterWords } = PS;
  const $ = (id) => document.getElementById(id);
  const TOP = 10;

  function render(st) {
    const r = st.room || {};
    const sc = r.scenario || {};
    document.title = `Room ${r.code} · partnersim`;
    $("p-code").textContent = r.code || "";
    $("p-url").textContent = r.join_url || "";
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
    const msgs = r.messages || [];
    const last = msgs.length ? msgs[msgs.length - 1] : null;
    fill("p-head",
      h("p", { class: "proj-title" }, sc.title || sc.name || ""),
      h("div", { class: "proj-round" },
        h("span", { class: "proj-phase" }, phase),
        r.practice && r.phase !== "lobby" ? h("span", { class: "badge practice" }, "practice round") : null,
        r.paused ? h("span", { class: "badge practice" }, "❚❚ paused") : null,
        r.phase === "open" && r.deadline ? countdown(r.deadline, { paused: r.paused, class: "proj-clock" }) : null),
      sc.goal ? h("p", { class: "proj-goal" }, h("strong", null, "Goal: "), sc.goal) : null,
      last ? h("p", { class: "proj-msg" }, last.text) : null);
  }

  function renderChips(r, roster) {
    const open = r.phase === "open";
    const submitted = roster.filter((t) => t.submitted).length;
    let count = `${roster.length} team${roster.length === 1 ? "" : "s"} joined`;
    if (open) count = `${submitted} of ${roster.length} teams submitted`;
    fill("p-chips",
      h("div", { class: "proj-count" }, roster.length ? count : "No team has joined yet"),
      h("div", { class: `chips${roster.length > 16 ? " many" : ""}` }, roster.map((t) => {
        let kind = "waiting", word = open ? "waiting" : "ready";
        if (t.bot) { kind = "bot"; word = "bot"; }
        else if (!t.connected) { kind = "offline"; word = "offline"; }
        if (open && t.submitted) { kind = t.bot ? "bot submitted" : "submitted"; word = t.bot ? "bot ✓" : "✓ submitted"; }
        const d = t.bot ? dot("bot", "bot") : t.connected ? dot("ok", "online") : dot("off", "offline");
        return h("span", { class: `chip ${kind}` }, d, h("span", { class: "chip-name" }, t.name), h("span", { class: "chip-state" }, word));
      })));
  }

  function renderBoard(r, rows) {
    if (!rows.length) {
      fill("p-board", h("p", { class: "proj-empty" }, r.phase === "lobby" ? "The leaderboard appears after the first quarter." : ""));
      return;
    }
    const f = (row, k) => (row.figures && row.figures[k]) || "–";
    const shown = rows.slice(0, TOP);
    fill("p-board",
      h("h2", null, r.phase === "ended" ? "Final leaderboard" : "Leaderboard", rows.length > TOP ? h("span", { class: "muted" }, ` · top ${TOP} of ${rows.length}`) : null),
      h("table", null,
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Team"), h("th", { scope: "col" }, "Goal"),
          h("th", { scope: "col" }, "Partner share"), h("th", { scope: "col" }, "Net contribution"),
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
