/* partnersim classroom: the team page.
 *
 * Join a room, then render the whole team state the server sends after every change. The only
 * thing this page keeps of its own is the player's unsent edits: a broadcast or a roster change
 * re-sends the state, and a half-made decision must survive it; a new quarter starts afresh.
 */
"use strict";

(() => {
  const { h, fill, lines, fmt, connect, api, dot, lineChart, quarterWords } = PS;
  const $ = (id) => document.getElementById(id);

  const LAST_ROOM = "partnersim.lastRoom";
  const credKey = (code) => `partnersim.team.${code}`;

  const app = {
    code: "",          // room code of the stored key
    creds: null,       // {team, name, token}
    sock: null,
    st: null,          // last team state
    edits: {},         // lever name -> value the player chose and has not had confirmed
    editsFor: null,    // the open quarter the edits belong to
    refusal: null,
    sending: false,
    leverSig: "",
    briefingTouched: false,
  };

  // ------------------------------------------------------------------ stored key per room
  function loadCreds(code) {
    try {
      const c = JSON.parse(localStorage.getItem(credKey(code)) || "null");
      return c && typeof c.token === "string" ? c : null;
    } catch (e) {
      return null;
    }
  }

  function saveCreds(code, creds) {
    try {
      localStorage.setItem(credKey(code), JSON.stringify(creds));
      localStorage.setItem(LAST_ROOM, code);
    } catch (e) { /* private mode: the page still works until it is closed */ }
  }

  function clearCreds(code) {
    try {
      localStorage.removeItem(credKey(code));
      if (localStorage.getItem(LAST_ROOM) === code) localStorage.removeItem(LAST_ROOM);
    } catch (e) { /* nothing stored */ }
  }

  const normCode = (c) => String(c || "").replace(/\s+/g, "").toUpperCase();

  // ------------------------------------------------------------------ join
  function showJoin(code, reason) {
    if (app.sock) app.sock.close();
    app.sock = null;
    app.st = null;
    $("game").hidden = true;
    $("leave").hidden = true;
    fill("who");
    fill("conn");
    $("join").hidden = false;
    $("join-code").value = code || "";
    const err = $("join-error");
    err.hidden = !reason;
    err.textContent = reason || "";
    (code ? $("join-name") : $("join-code")).focus();
    document.title = "partnersim · join";
  }

  $("join-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const code = normCode($("join-code").value);
    const name = $("join-name").value.trim();
    const err = $("join-error");
    const fail = (msg) => { err.textContent = msg; err.hidden = false; };
    if (!code) return fail("Type the room code shown on the projector.");
    if (!name) return fail("Type your team's name.");
    const button = $("join-button");
    button.disabled = true;
    button.textContent = "Joining…";
    const r = await api("POST", "/api/join", { code, name });
    button.disabled = false;
    button.textContent = "Join";
    if (!r.ok) return fail((r.data && r.data.error) || "The server refused to join you.");
    const creds = { team: r.data.team, name: r.data.name, token: r.data.token };
    saveCreds(code, creds);
    start(code, creds);
  });

  $("leave").addEventListener("click", (ev) => {
    ev.preventDefault();
    const name = app.creds ? app.creds.name : "this team";
    if (!window.confirm(`Leave "${name}" on this device? You can join again with the room code; the team keeps playing on the server.`)) return;
    clearCreds(app.code);
    showJoin(app.code);
  });

  /** The words for a key the room does not know (the server's reason when it gives one). */
  function keyProblem(reason) {
    const r = String(reason || "").trim();
    if (!r) return "This team's key is not valid in this room: join again with the room code.";
    return /not valid/i.test(r) ? r.charAt(0).toUpperCase() + r.slice(1) : `This team's key is not valid in this room (${r}): join again.`;
  }

  // ------------------------------------------------------------------ connection
  function start(code, creds) {
    app.code = code;
    app.creds = creds;
    app.edits = {};
    app.editsFor = null;
    app.refusal = null;
    app.leverSig = "";
    $("join").hidden = true;
    $("game").hidden = false;
    $("leave").hidden = false;
    fill("who", h("strong", null, creds.name), h("span", { class: "muted" }, ` · room ${code}`));
    document.title = `${creds.name} · partnersim`;
    fill("status", h("div", { class: "status-main" }, "Connecting…"));
    app.sock = connect("/ws/team", {
      hello: () => ({ type: "hello", token: creds.token }),
      onMessage,
      onStatus: showConn,
      onAuthFail: (reason) => {
        clearCreds(code);
        showJoin(code, keyProblem(reason));
      },
    });
  }

  function showConn(status) {
    const words = { open: "connected", connecting: "connecting…", reconnecting: "reconnecting…", closed: "disconnected" }[status] || status;
    fill("conn", dot(status === "open" ? "ok" : "warn", words), h("span", { class: status === "open" ? "conn-text" : "conn-text show" }, words));
  }

  function onMessage(msg) {
    if (msg.type === "state") {
      app.sending = false;
      render(msg);
    } else if (msg.type === "refused") {
      app.sending = false;
      app.refusal = msg.reason || "the server refused this";
      if (msg.state) render(msg.state);
      else renderSubmitBar();
    }
  }

  // ------------------------------------------------------------------ values
  const same = (a, b) => (typeof a === "number" && typeof b === "number" ? Math.abs(a - b) < 1e-9 : a === b);
  const base = (lv) => (lv.submitted_value !== null && lv.submitted_value !== undefined ? lv.submitted_value : lv.value);
  const current = (lv) => (Object.prototype.hasOwnProperty.call(app.edits, lv.name) ? app.edits[lv.name] : base(lv));
  const fixedWhy = (lv) => lv.locked || lv.imposed;

  /** What the server's `shown` would read for `v` (Lever.fmt): a choice's words, or the number in its unit. */
  function shownFor(lv, v) {
    if (same(v, lv.value) && lv.shown) return lv.shown;
    if (lv.kind === "choice" || lv.kind === "bool") {
      const c = (lv.choices || []).find((x) => x.value === v);
      return c ? c.label : String(v);
    }
    const zero = lv.zero || (lv.value === 0 && lv.shown && !/\d/.test(lv.shown) ? lv.shown : null);
    if (zero && Number(v) === 0) return zero;
    return fmt(lv.unit, v);
  }

  function coerce(lv, v) {
    if (lv.kind === "int") return Math.round(Number(v));
    if (lv.kind === "float") return Number(v);
    if (lv.kind === "bool") return v === true || v === "true";
    return v;
  }

  function canEdit(st) {
    const r = st.room;
    return r.phase === "open" && !st.team.locked && !st.team.bot;
  }

  // ------------------------------------------------------------------ render
  function render(st) {
    app.st = st;
    const r = st.room;
    const q = r.phase === "open" ? `${r.open_quarter}:${r.practice ? "p" : "g"}` : null;
    if (q !== app.editsFor) {         // a new quarter (or the round closed): a fresh decision
      app.edits = {};
      app.editsFor = q;
      app.refusal = null;
    }
    for (const lv of st.levers || []) {  // an edit the server now holds is no longer an edit
      if (Object.prototype.hasOwnProperty.call(app.edits, lv.name) && (same(app.edits[lv.name], base(lv)) || fixedWhy(lv))) {
        delete app.edits[lv.name];
      }
    }
    $("game").dataset.phase = r.phase;
    renderStatus(st);
    renderNotes(st);
    renderScenario(st);
    renderMessages(st);
    renderUpcoming(st);
    renderDebrief(st);
    renderLevers(st);
    renderSubmitBar();
    renderResults(st);
    queueFit();
  }

  function renderStatus(st) {
    const r = st.room, t = st.team;
    const deadline = t.deadline ?? r.deadline;
    let kind = "wait", head = PS.PHASE_WORDS[r.phase] || r.phase, sub = "";
    const qw = quarterWords(r);
    if (r.phase === "lobby") {
      sub = "The facilitator will open the first quarter. Read the briefing meanwhile.";
    } else if (r.phase === "open") {
      head = `${qw}: decide`;
      if (r.paused) { kind = "pause"; head = `${qw}: paused`; sub = "The facilitator has paused the round; the clock is stopped."; }
      else if (t.bot) { kind = "wait"; sub = "A bot is playing this seat this round."; }
      else if (t.locked) { kind = "wait"; sub = "The facilitator has locked your decisions for this round."; }
      else if (t.submitted && !Object.keys(app.edits).length) {
        kind = "ok";
        head = `${qw}: submitted`;
        sub = "Waiting for other teams (you can still change and resubmit until the round closes).";
      } else {
        kind = "act";
        sub = t.submitted ? "You changed levers after submitting: submit again to send them."
          : "Set your levers, then press Submit. Until the round closes you can resubmit.";
      }
    } else if (r.phase === "resolving") {
      head = `${qw}: being played`;
      sub = "The quarter is being played…";
    } else if (r.phase === "results") {
      head = `${qw}: results`;
      sub = "Here is what happened. The facilitator will open the next quarter.";
    } else if (r.phase === "ended") {
      sub = "The game is over: your debrief is below.";
    }
    const icon = { ok: "✓" }[kind] || "";
    fill("status",
      h("div", { class: `status-main status-${kind}` },
        icon ? h("span", { class: "status-icon", "aria-hidden": "true" }, icon) : null,
        h("span", { class: "status-head" }, head),
        r.practice && r.phase !== "lobby" ? h("span", { class: "badge practice" }, "practice round: it will be reset") : null,
        r.phase === "open" ? PS.clock(r, deadline, "status-clock") : null),
      sub ? h("div", { class: "status-sub" }, sub,
        kind === "act" ? h("a", { class: "to-levers", href: "#decide" }, " Go to your levers ↓") : null) : null);
  }

  function renderNotes(st) {
    const notes = [];
    if (st.team.bot) notes.push(h("p", { class: "notice info" }, h("strong", null, "A bot is playing this seat"),
      ` (policy: ${st.team.bot}). The facilitator can give it back to you.`));
    if (st.team.kept_last && st.room.phase !== "lobby" && st.room.phase !== "ended") {
      notes.push(h("p", { class: "notice warn" }, h("strong", null, "You did not submit in time: "),
        "last quarter's policy was kept."));
    }
    fill("notes", notes);
  }

  function paragraphs(text) {
    return String(text || "").trim().split(/\n\s*\n/).filter(Boolean).map((p) => h("p", null, p.replace(/\s*\n\s*/g, " ")));
  }

  function renderScenario(st) {
    const sc = st.room.scenario || {};
    const box = $("scenario");
    const locked = (st.levers || []).filter((lv) => lv.locked);
    if (!app.briefingTouched) box.open = (st.room.quarter || 0) < 1 && st.room.phase !== "ended";
    fill(box,
      h("summary", null, h("span", { class: "scenario-title" }, sc.title || sc.name || "Scenario"),
        h("span", { class: "muted small summary-hint" }, " briefing and goal")),
      h("div", { class: "briefing" }, paragraphs(sc.briefing)),
      sc.goal ? h("p", { class: "goal-text" }, h("strong", null, "Goal. "), sc.goal) : null,
      locked.length ? h("div", { class: "locked-list" }, h("strong", null, "Locked by the scenario:"),
        h("ul", null, locked.map((lv) => h("li", null, `${lv.label}: ${lv.locked}`)))) : null);
  }

  // The page opens the briefing before the first quarter and folds it after, until the player
  // opens or closes it by hand.
  $("scenario").addEventListener("click", (ev) => { if (ev.target.closest("summary")) app.briefingTouched = true; });

  function renderMessages(st) {
    const msgs = (st.room.messages || []).slice(-3).reverse();
    fill("messages", msgs.length ? h("section", { class: "card messages", "aria-label": "Messages from the facilitator" },
      h("h2", null, "From the facilitator"),
      h("ul", null, msgs.map((m, i) => h("li", { class: i === 0 ? "latest" : "" },
        h("span", { class: "muted small" }, PS.timeOf(m.at)), " ", m.text)))) : null);
  }

  function renderUpcoming(st) {
    const ev = st.upcoming || [];
    fill("upcoming", ev.length && st.room.phase === "open" ? h("section", { class: "notice event", role: "note" },
      h("h2", null, `This quarter: ${ev.length === 1 ? "an event" : `${ev.length} events`}`),
      ev.map((text) => h("p", null, lines(text, "event-head", "event-what")))) : null);
  }

  // ------------------------------------------------------------------ levers
  function leverSignature(st) {
    const r = st.room;
    return JSON.stringify([r.phase, r.open_quarter, r.practice, st.team.locked, st.team.bot, st.team.revision, st.team.submitted,
      (st.levers || []).map((lv) => [lv.name, lv.value, lv.submitted_value, lv.locked, lv.imposed, lv.low, lv.high, lv.step])]);
  }

  function renderLevers(st) {
    const editable = canEdit(st);
    const r = st.room;
    $("decide").hidden = r.phase === "ended";
    let hint = "";
    if (r.phase === "lobby") hint = "These are the policies you start with. You can change them once the first quarter opens.";
    else if (r.phase === "open" && editable) hint = `Decide for ${quarterWords(r).toLowerCase()}. Tap ? for what a lever does.`;
    else if (r.phase === "open") hint = st.team.bot ? "A bot decides this round." : "Your decisions are locked this round.";
    else hint = "The policy in force. You can change it when the next quarter opens.";
    $("decide-hint").textContent = hint;
    $("decide").classList.toggle("deciding", r.phase === "open" && editable);
    const sig = leverSignature(st);
    if (sig === app.leverSig) { markChanges(st); return; }   // keep the controls (and a slider in the hand)
    app.leverSig = sig;
    const groups = [...(st.groups || [])];
    for (const lv of st.levers || []) if (!groups.includes(lv.group)) groups.push(lv.group);
    fill("levers", groups.map((g) => {
      const ls = (st.levers || []).filter((lv) => lv.group === g);
      if (!ls.length) return null;
      return h("fieldset", { class: "group" }, h("legend", null, g), ls.map((lv) => leverRow(lv, editable)));
    }));
    markChanges(st);
  }

  function setEdit(lv, v) {
    const val = coerce(lv, v);
    if (same(val, base(lv))) delete app.edits[lv.name];
    else app.edits[lv.name] = val;
    app.refusal = null;
    const row = document.querySelector(`.lever[data-name="${lv.name}"]`);
    if (row) row.querySelector(".lever-value").textContent = shownFor(lv, val);
    markChanges(app.st);
    renderSubmitBar();
    renderStatus(app.st);
  }

  function leverRow(lv, editable) {
    const why = fixedWhy(lv);
    const disabled = !editable || Boolean(why);
    const id = `lv-${lv.name}`;
    const helpId = `${id}-help`;
    const cur = current(lv);
    const helpBtn = h("button", { type: "button", class: "help-btn", "aria-label": `What is ${lv.label}?`, "aria-expanded": "false",
      "aria-controls": helpId, title: lv.help || "" }, h("span", { "aria-hidden": "true" }, "?"));
    const helpText = h("p", { id: helpId, class: "help-text", hidden: true }, lv.help || "");
    helpBtn.addEventListener("click", () => {
      helpText.hidden = !helpText.hidden;
      helpBtn.setAttribute("aria-expanded", String(!helpText.hidden));
    });
    const row = h("div", { class: `lever kind-${lv.kind}${disabled ? " disabled" : ""}`, dataset: { name: lv.name } },
      h("div", { class: "lever-head" },
        h("label", { for: id, id: `${id}-label` }, lv.label),
        helpBtn,
        h("span", { class: "lever-value", "aria-live": "off", hidden: lv.kind === "choice" || lv.kind === "bool" }, shownFor(lv, cur))),
      helpText,
      control(lv, id, cur, disabled),
      lv.locked ? h("p", { class: "lever-note locked" }, ...reasonNote("Locked", lv.locked)) : null,
      lv.imposed ? h("p", { class: "lever-note imposed" }, ...reasonNote("Imposed", lv.imposed)) : null,
      h("p", { class: "lever-mark" }));
    return row;
  }

  /** "Locked: reason", unless the reason already starts with the word. */
  function reasonNote(word, reason) {
    const text = String(reason);
    if (text.toLowerCase().startsWith(word.toLowerCase())) return [h("strong", null, text.slice(0, word.length)), text.slice(word.length)];
    return [h("strong", null, `${word}: `), text];
  }

  function isOnOff(lv) {
    const labels = (lv.choices || []).map((c) => String(c.label).toLowerCase());
    return lv.kind === "bool" && (labels.length === 0 || (labels.includes("on") && labels.includes("off")));
  }

  function control(lv, id, cur, disabled) {
    if (lv.kind === "bool" && isOnOff(lv)) {
      const input = h("input", { type: "checkbox", id, role: "switch", checked: cur === true, disabled,
        onchange: (ev) => { setEdit(lv, ev.target.checked); word.textContent = ev.target.checked ? "On" : "Off"; } });
      const word = h("span", { class: "switch-word" }, cur ? "On" : "Off");
      return h("div", { class: "switch" }, input, h("span", { class: "switch-track", "aria-hidden": "true" }), word);
    }
    if (lv.kind === "choice" || lv.kind === "bool") {
      const choices = lv.kind === "bool" && !(lv.choices || []).length
        ? [{ value: true, label: "On" }, { value: false, label: "Off" }] : (lv.choices || []);
      if (choices.length <= 3) {
        return h("div", { class: "segmented", role: "radiogroup", "aria-labelledby": `${id}-label`, id },
          choices.map((c, k) => {
            const cid = `${id}-${k}`;
            return h("span", { class: "seg" },
              h("input", { type: "radio", name: id, id: cid, checked: c.value === cur, disabled,
                onchange: () => setEdit(lv, c.value) }),
              h("label", { for: cid }, c.label));
          }));
      }
      const sel = h("select", { id, disabled, onchange: (ev) => setEdit(lv, choices[Number(ev.target.value)].value) },
        choices.map((c, k) => h("option", { value: String(k), selected: c.value === cur }, c.label)));
      return sel;
    }
    // int / float: a slider with step buttons, the value read in its unit above it
    const low = Number(lv.low ?? 0);
    const high = Math.max(Number(lv.high ?? 1), Number(cur), Number(lv.value));
    const step = Number(lv.step) || (lv.kind === "int" ? 1 : (high - low) / 100 || 0.01);
    const decimals = Math.max(0, Math.min(6, (String(step).split(".")[1] || "").length));
    const clamp = (v) => Math.min(high, Math.max(low, Number(Number(v).toFixed(decimals))));
    const range = h("input", { type: "range", id, min: low, max: high, step, value: String(cur), disabled,
      oninput: (ev) => setEdit(lv, clamp(ev.target.value)) });
    const nudge = (dir) => {
      const v = clamp(Number(range.value) + dir * step);
      range.value = String(v);
      setEdit(lv, v);
    };
    return h("div", { class: "slider" },
      h("button", { type: "button", class: "nudge", disabled, "aria-label": `${lv.label}: less`, onclick: () => nudge(-1) }, "−"),
      range,
      h("button", { type: "button", class: "nudge", disabled, "aria-label": `${lv.label}: more`, onclick: () => nudge(1) }, "+"));
  }

  /** Marks on each lever: edited and not sent, or submitted this round. */
  function markChanges(st) {
    for (const lv of st.levers || []) {
      const row = document.querySelector(`.lever[data-name="${lv.name}"]`);
      if (!row) continue;
      const edited = Object.prototype.hasOwnProperty.call(app.edits, lv.name);
      const submitted = lv.submitted_value !== null && lv.submitted_value !== undefined;
      row.classList.toggle("edited", edited);
      row.classList.toggle("submitted", submitted && !edited);
      const mark = row.querySelector(".lever-mark");
      let text = "";
      if (edited) text = `changed from ${shownFor(lv, base(lv))} · not sent yet`;
      else if (submitted && st.room.phase === "open") text = "✓ change submitted";
      mark.textContent = text;
      mark.hidden = !text;
    }
  }

  function renderSubmitBar() {
    const st = app.st;
    if (!st) return;
    const r = st.room, t = st.team;
    const n = Object.keys(app.edits).length;
    const editable = canEdit(st);
    const button = $("submit");
    $("submit-bar").hidden = r.phase === "ended";
    let stateText = "";
    if (r.phase !== "open") stateText = "Submitting opens with the next quarter.";
    else if (!editable) stateText = t.bot ? "A bot is playing this seat." : "Locked by the facilitator.";
    else if (app.sending) stateText = "Sending…";
    else if (n) stateText = `${n} change${n === 1 ? "" : "s"} not sent yet.`;
    else if (t.submitted) stateText = "✓ Submitted. You can still change and resubmit until the round closes.";
    else stateText = "Not submitted yet. Submitting with no change keeps your current policy.";
    $("submit-state").textContent = stateText;
    $("submit-state").className = `submit-state ${n ? "pending" : t.submitted && r.phase === "open" ? "done" : ""}`;
    button.disabled = !editable || app.sending;
    button.textContent = r.phase === "open" ? (t.submitted ? (n ? `Resubmit ${quarterWords(r).toLowerCase()}` : "Submit again")
      : `Submit ${quarterWords(r).toLowerCase()}`) : "Submit";
    button.classList.toggle("secondary", t.submitted && !n);
    const ref = $("refusal");
    ref.hidden = !app.refusal;
    ref.textContent = app.refusal ? `Not accepted: ${app.refusal}` : "";
    // a reason that names a lever ('levers.enablement': ...) marks that lever too
    const named = app.refusal ? /levers\.([a-z_]+)/.exec(app.refusal) : null;
    document.querySelectorAll(".lever.refused").forEach((el) => el.classList.remove("refused"));
    if (named) {
      const row = document.querySelector(`.lever[data-name="${named[1]}"]`);
      if (row) row.classList.add("refused");
    }
  }

  $("submit").addEventListener("click", async () => {
    const st = app.st;
    if (!st || !canEdit(st)) return;
    const levers = {};
    for (const lv of st.levers || []) {
      if (fixedWhy(lv)) continue;
      levers[lv.name] = coerce(lv, current(lv));
    }
    const msg = { type: "submit", quarter: st.room.open_quarter, revision: st.team.revision, levers };
    app.refusal = null;
    app.sending = true;
    renderSubmitBar();
    if (app.sock && app.sock.send(msg)) return;
    // no socket at the moment: the same submission over HTTP
    const { type, ...body } = msg;
    const res = await api("POST", "/api/submit", body, app.creds.token);
    app.sending = false;
    if (res.ok && res.data && res.data.room) render(res.data);
    else {
      app.refusal = (res.data && res.data.error) || "the server did not accept it";
      if (res.status === 401 || res.status === 403) {
        clearCreds(app.code);
        showJoin(app.code, keyProblem(app.refusal));
        return;
      }
      renderSubmitBar();
    }
  });

  // ------------------------------------------------------------------ results
  function renderResults(st) {
    const r = st.room;
    const tiles = (st.tiles || []).some((t) => !/^[-–]?$/.test(String(t.value).trim())) ? st.tiles : [];
    fill("tiles", tiles.length ? tiles.map((t) => {
      const good = Number(t.good) || 0;
      const word = good > 0 ? "better" : good < 0 ? "worse" : "";
      return h("div", { class: `tile ${good > 0 ? "good" : good < 0 ? "bad" : "neutral"}` },
        h("div", { class: "tile-label" }, t.label),
        h("div", { class: "tile-value" }, t.value),
        t.change ? h("div", { class: "tile-change" }, t.change, word ? h("span", { class: "tile-word" }, ` ${word}`) : null) : null);
    }) : null);

    const news = st.news || [];
    const newsBox = $("news");
    newsBox.hidden = !news.length;
    const NEWS = 6;
    const newsKey = news.length ? `${news[0].quarter}:${news.length}` : "";
    if (newsKey !== app.newsKey) { app.newsKey = newsKey; app.newsAll = false; }
    const shown = app.newsAll ? news : news.slice(0, NEWS);
    const played = r.quarter || (news.length ? news[news.length - 1].quarter : 0);
    fill(newsBox, h("h2", null, played ? `What happened in quarter ${played}` : "News"),
      h("ul", { class: "news-list" }, shown.map((n) => h("li", { class: `news-item kind-${String(n.kind || "").replace(/[^a-z_]/gi, "")}` },
        h("span", { class: "news-kind" }, String(n.kind || "").replace(/_/g, " "),
          n.quarter !== played ? h("span", { class: "news-when" }, n.quarter === r.open_quarter ? "this quarter" : `quarter ${n.quarter}`) : null),
        h("span", { class: "news-text" }, lines(n.text, "news-what", "news-cause"))))),
      news.length > NEWS ? h("button", { type: "button", class: "small", "aria-expanded": String(app.newsAll),
        onclick: () => { app.newsAll = !app.newsAll; renderResults(app.st); } },
        app.newsAll ? "Show fewer" : `Show all ${news.length} news items`) : null);

    const goal = st.goal || [];
    const goalBox = $("goal");
    goalBox.hidden = !goal.length || r.phase === "ended";
    fill(goalBox, h("h2", null, "The goal, as things stand"), clauseList(goal));

    const span = (r.scenario && r.scenario.quarters) || r.quarters || 12;
    const charts = st.charts || [];
    const anyData = charts.some((c) => (c.quarters || []).length);
    fill("charts", anyData ? charts.map((c) => lineChart(c, span)) : null);
  }

  function clauseList(clauses) {
    return h("ul", { class: "clauses" }, (clauses || []).map((c) => h("li", { class: c.met ? "met" : "missed" },
      h("span", { class: "clause-mark" }, c.met ? "✓ met" : "✗ missed"),
      h("span", { class: "clause-goal" }, c.goal),
      h("span", { class: "clause-shown" }, c.shown))));
  }

  function renderDebrief(st) {
    const d = st.debrief;
    const box = $("debrief");
    box.hidden = !d;
    if (!d) { box.replaceChildren(); return; }
    const sc = st.room.scenario || {};
    fill(box,
      h("h2", null, "Debrief"),
      h("p", { class: `headline ${d.won ? "won" : "lost"}` },
        h("span", { class: "badge" }, d.won ? "✓ Goal met" : "✗ Goal missed"), " ", d.headline || ""),
      clauseList(d.clauses),
      sc.teaches && !String(d.headline || "").includes(sc.teaches)
        ? h("p", { class: "lesson" }, h("strong", null, "The lesson. "), sc.teaches) : null,
      (d.mistakes || []).length ? h("section", null, h("h3", null, "Mistakes your decisions made"),
        h("ol", { class: "mistakes" }, d.mistakes.map((m) => h("li", { class: "mistake" },
          h("div", { class: "mistake-head" }, h("strong", null, m.title), m.claim ? h("span", { class: "tag" }, m.claim) : null,
            m.when ? h("span", { class: "muted small" }, ` · ${m.when}`) : null),
          m.lesson ? h("p", null, m.lesson) : null,
          m.evidence ? h("p", { class: "evidence" }, h("span", { class: "muted" }, "Evidence: "), m.evidence) : null)))) : null,
      (d.fix || []).length ? h("section", null, h("h3", null, "The fix"),
        d.fix_summary ? h("p", null, d.fix_summary) : null,
        h("ul", { class: "fix" }, d.fix.map((f) => h("li", null, f.text,
          f.lesson === true ? h("span", { class: "tag" }, "the lesson") : typeof f.lesson === "string" && f.lesson ? h("span", { class: "tag" }, f.lesson) : null,
          f.since ? h("span", { class: "muted small" }, ` · ${f.since}`) : null)))) : null,
      (d.table || []).length ? h("section", null, h("h3", null, "You and best practice, same world"),
        h("div", { class: "table-wrap" }, h("table", { class: "compare" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, "Measure"), h("th", { scope: "col" }, "You"),
            h("th", { scope: "col" }, "Best practice"))),
          h("tbody", null, d.table.map((row) => h("tr", null, h("th", { scope: "row" }, row.measure),
            h("td", null, row.you), h("td", null, row.best))))))) : null);
  }

  // On a laptop the levers panel stays in view beside the results; its height follows the
  // space left under it, so the Submit button at its foot is always on screen.
  const wide = window.matchMedia("(min-width: 980px)");
  let fitQueued = false;
  function fitDecide() {
    fitQueued = false;
    const panel = $("decide");
    if (!wide.matches) { panel.style.maxHeight = ""; return; }
    const top = Math.max(panel.getBoundingClientRect().top, 64);
    panel.style.maxHeight = `${Math.max(320, window.innerHeight - top - 16)}px`;
  }
  const queueFit = () => { if (!fitQueued) { fitQueued = true; requestAnimationFrame(fitDecide); } };
  window.addEventListener("scroll", queueFit, { passive: true });
  window.addEventListener("resize", queueFit);
  new MutationObserver(queueFit).observe($("game"), { childList: true, subtree: false, attributes: true });

  // ------------------------------------------------------------------ start
  const params = new URLSearchParams(location.search);
  const urlCode = normCode(params.get("room"));
  let lastRoom = "";
  try { lastRoom = localStorage.getItem(LAST_ROOM) || ""; } catch (e) { lastRoom = ""; }
  const code = urlCode || lastRoom;
  const creds = code ? loadCreds(code) : null;
  if (creds) start(code, creds);
  else showJoin(urlCode);
})();
